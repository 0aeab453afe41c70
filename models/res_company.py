from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    support_contract_renewal_days = fields.Integer(
        string="Draft renewals days before expiry",
        default=30,
        help="The daily cron drafts next year's ESTES contract this many days before "
        "the current one ends and gives the account manager an activity.",
    )
    support_contract_product_id = fields.Many2one(
        "product.product",
        string="Default ESTES service",
        domain="[('type', '=', 'service')]",
        help="The service product proposed on new ESTES support contracts.",
    )
