from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    support_estes_activation = fields.Boolean(
        string="ESTES activation",
        help="Opened because the customer asked for support without an active ESTES contract.",
    )
    # Only support staff read requests (and, through them, cost acceptances): a salesperson
    # without support rights opens the opportunity without this field.
    support_request_ids = fields.One2many(
        "support.request",
        "lead_id",
        string="Waiting requests",
        groups="certified_support.group_support_user",
    )

    def action_set_lost(self, **additional_values):
        """Without an ESTES the waiting requests are refused and the customer told in writing."""
        res = super().action_set_lost(**additional_values)
        # sudo: sales users close the loop on the requests they could not rescue, without
        # being support users themselves; only the waiting requests of these leads are refused.
        requests = self.sudo().support_request_ids
        waiting = requests.filtered(lambda r: r.state == "waiting_contract")
        waiting._refuse_without_contract()
        return res
