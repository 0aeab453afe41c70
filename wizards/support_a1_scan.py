import base64

from odoo import fields, models
from odoo.exceptions import UserError


class SupportA1Scan(models.TransientModel):
    """Staff record the customer's acceptance given on the printed page."""

    _name = "support.a1.scan"
    _description = "Record a signed A1 Form scan"

    a1_form_id = fields.Many2one("support.a1.form", string="A1 Form", required=True, readonly=True)
    scan = fields.Binary(string="Signed scan (PDF)", required=True, help="The printed page, signed and stamped by the customer.")
    scan_filename = fields.Char()
    signed_by = fields.Char(string="Signed by", required=True, help="Who signed for the customer.")
    signed_on = fields.Datetime(string="Signed on", required=True, default=fields.Datetime.now)

    def action_confirm(self):
        self.ensure_one()
        pdf = base64.b64decode(self.scan)
        if not pdf.startswith(b"%PDF"):
            raise UserError(self.env._("Upload the scan as a PDF file."))
        self.a1_form_id._sign(self.signed_by, "scan", signed_on=self.signed_on, pdf=pdf)
        return {"type": "ir.actions.act_window_close"}
