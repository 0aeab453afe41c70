import base64

from odoo import fields, models
from odoo.exceptions import UserError


class SupportA1Scan(models.TransientModel):
    """Staff record the customer's acceptance given on the printed page: the signed scan and
    the recommendations the customer ticked on paper (what follows them is the same as for an
    online signature: production orders, the hardware notice, the account manager's to-dos)."""

    _name = "support.a1.scan"
    _description = "Record a signed A1 Form scan"

    a1_form_id = fields.Many2one("support.a1.form", string="A1 Form", required=True, readonly=True)
    scan = fields.Binary(string="Signed scan (PDF)", required=True, help="The printed page, signed and stamped by the customer.")
    scan_filename = fields.Char()
    signed_by = fields.Char(string="Signed by", required=True, help="Who signed for the customer.")
    signed_on = fields.Datetime(string="Signed on", required=True, default=fields.Datetime.now)
    has_recommendations = fields.Boolean(compute="_compute_has_recommendations")
    accepted_recommendation_ids = fields.Many2many(
        "support.a1.recommendation", string="Recommendations accepted",
        domain="[('a1_form_id', '=', a1_form_id)]",
        help="Tick the recommendations the customer accepted on the printed page; the others are refused.",
    )

    def _compute_has_recommendations(self):
        for wizard in self:
            wizard.has_recommendations = bool(wizard.a1_form_id.recommendation_ids)

    def action_confirm(self):
        self.ensure_one()
        pdf = base64.b64decode(self.scan)
        if not pdf.startswith(b"%PDF"):
            raise UserError(self.env._("Upload the scan as a PDF file."))
        # Only this form's recommendations count, whatever ids the client sent.
        accepted = self.accepted_recommendation_ids & self.a1_form_id.recommendation_ids
        self.a1_form_id._sign(
            self.signed_by, "scan", signed_on=self.signed_on, pdf=pdf, accepted_recommendations=accepted,
        )
        return {"type": "ir.actions.act_window_close"}
