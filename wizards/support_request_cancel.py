from odoo import fields, models

from ..input_bounds import LONG_TEXT_MAX_LENGTH


class SupportRequestCancel(models.TransientModel):
    _name = "support.request.cancel"
    _inherit = ["support.input.guard"]
    _description = "Cancel RV Requests"

    request_ids = fields.Many2many("support.request", string="Requests", required=True)
    reason = fields.Text(required=True, help="Kept in the history of the request and of its cost acceptances.")

    _support_text_max_lengths = {"reason": LONG_TEXT_MAX_LENGTH}

    def action_confirm(self):
        self.request_ids._action_cancel(self.reason)
        return {"type": "ir.actions.act_window_close"}
