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

    # Certification of partner technicians (the partner network)
    support_cert_min_installations = fields.Integer(
        string="Minimum active installations",
        default=5,
        help="A technician's firm must maintain at least this many active installations.",
    )
    support_cert_academy_months = fields.Integer(
        string="Academy window (months)",
        default=12,
        help="A technician must have attended an academy session that ended within this many months.",
    )
    support_cert_min_satisfaction = fields.Float(
        string="Minimum satisfaction (%)",
        default=50.0,
        help="Minimum share of happy ratings (4 or 5 out of 5) among the technician's ratings.",
    )
    support_cert_satisfaction_months = fields.Integer(
        string="Satisfaction window (months)",
        default=12,
        help="Only the ratings given within this many months count in the satisfaction score.",
    )
    support_cert_unrated_satisfied = fields.Boolean(
        string="Technicians without ratings count as satisfied",
        default=True,
        help="When a technician has no rating in the window, the satisfaction condition holds "
        "(checked) or fails (unchecked).",
    )

    def write(self, vals):
        result = super().write(vals)
        if any(name.startswith("support_cert_") for name in vals):
            # New rules: every technician is checked again by the certification cron, now.
            technicians = self.env["res.partner"].sudo().with_context(active_test=False).search(
                [("support_certification_checked_on", "!=", False)]
            )
            technicians.write({"support_certification_checked_on": False})
            self.env.ref("certified_support.ir_cron_support_certification")._trigger()
        return result
