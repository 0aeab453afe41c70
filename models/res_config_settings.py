import secrets

from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    support_contract_renewal_days = fields.Integer(related="company_id.support_contract_renewal_days", readonly=False)
    support_contract_product_id = fields.Many2one(related="company_id.support_contract_product_id", readonly=False)
    support_contract_invoice_on_activation = fields.Boolean(
        related="company_id.support_contract_invoice_on_activation", readonly=False
    )
    support_cert_min_installations = fields.Integer(related="company_id.support_cert_min_installations", readonly=False)
    support_cert_academy_months = fields.Integer(related="company_id.support_cert_academy_months", readonly=False)
    support_cert_min_satisfaction = fields.Float(related="company_id.support_cert_min_satisfaction", readonly=False)
    support_cert_satisfaction_months = fields.Integer(
        related="company_id.support_cert_satisfaction_months", readonly=False
    )
    support_cert_unrated_satisfied = fields.Boolean(related="company_id.support_cert_unrated_satisfied", readonly=False)
    support_production_user_id = fields.Many2one(related="company_id.support_production_user_id", readonly=False)
    support_corrective_user_id = fields.Many2one(related="company_id.support_corrective_user_id", readonly=False)
    support_cti_api_key = fields.Char(
        string="CTI API key",
        config_parameter="certified_support.cti_api_key",
        help="The key your phone system sends (X-CTI-Key header) to look callers up. "
        "Leave it empty to disable the lookup.",
    )

    def action_support_generate_cti_api_key(self):
        """A new random key for the phone system; the previous one stops working."""
        self.ensure_one()
        self.support_cti_api_key = secrets.token_urlsafe(32)
        return self.execute()
