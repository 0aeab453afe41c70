from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    support_contract_renewal_days = fields.Integer(
        related="company_id.support_contract_renewal_days", readonly=False
    )
    support_contract_product_id = fields.Many2one(
        related="company_id.support_contract_product_id", readonly=False
    )
