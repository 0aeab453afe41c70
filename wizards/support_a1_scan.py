import base64
import binascii
from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError

from ..input_bounds import NAME_MAX_LENGTH, SCAN_MIMETYPES, InputError, check_file, parse_text


class SupportA1Scan(models.TransientModel):
    """Staff record the customer's acceptance given on the printed page: the signed scan and
    the recommendations the customer ticked on paper (what follows them is the same as for an
    online signature: production orders, the hardware notice, the account manager's to-dos)."""

    _name = "support.a1.scan"
    _inherit = ["support.input.guard"]
    _description = "Record a signed A1 Form scan"

    a1_form_id = fields.Many2one("support.a1.form", string="A1 Form", required=True, readonly=True)
    scan = fields.Binary(
        string="Signed scan (PDF)", required=True, help="The printed page, signed and stamped by the customer."
    )
    scan_filename = fields.Char()
    signed_by = fields.Char(string="Signed by", required=True, help="Who signed for the customer.")
    signed_on = fields.Datetime(string="Signed on", required=True, default=fields.Datetime.now)
    has_recommendations = fields.Boolean(compute="_compute_has_recommendations")
    accepted_recommendation_ids = fields.Many2many(
        "support.a1.recommendation",
        string="Recommendations accepted",
        domain="[('a1_form_id', '=', a1_form_id)]",
        help="Tick the recommendations the customer accepted on the printed page; the others are refused.",
    )

    _support_text_max_lengths = {"signed_by": NAME_MAX_LENGTH, "scan_filename": NAME_MAX_LENGTH}

    def _compute_has_recommendations(self):
        for wizard in self:
            wizard.has_recommendations = bool(wizard.a1_form_id.recommendation_ids)

    def action_confirm(self):
        self.ensure_one()
        try:
            pdf = base64.b64decode(self.scan or b"")
        except (binascii.Error, ValueError):
            pdf = b""
        try:
            # The content decides, never the file name: a PDF, of a sensible size.
            check_file(self.env, self.scan_filename or "scan.pdf", pdf, allowed=SCAN_MIMETYPES)
            signed_by = parse_text(
                self.env, self.signed_by, self.env._("Signed by"), max_length=NAME_MAX_LENGTH, required=True
            )
        except InputError as exc:
            raise UserError(exc.message) from None
        if self.signed_on > fields.Datetime.now() + timedelta(minutes=5):
            raise UserError(self.env._("The page cannot have been signed in the future."))
        if self.a1_form_id.date_start and self.signed_on < self.a1_form_id.date_start:
            raise UserError(self.env._("The page cannot have been signed before the meeting started."))
        # Only this form's recommendations count, whatever ids the client sent.
        accepted = self.accepted_recommendation_ids & self.a1_form_id.recommendation_ids
        self.a1_form_id._sign(
            signed_by,
            "scan",
            signed_on=self.signed_on,
            pdf=pdf,
            accepted_recommendations=accepted,
        )
        return {"type": "ir.actions.act_window_close"}
