from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    support_tax_office = fields.Char(related="partner_id.support_tax_office", readonly=False)
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
    support_contract_invoice_on_activation = fields.Boolean(
        string="Invoice the ESTES fee on activation",
        default=True,
        help="Activating an ESTES contract drafts its fee invoice for the accountant. Unchecked: "
        "the accountant creates it from the contract or links the invoice they made.",
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

    support_production_user_id = fields.Many2one(
        "res.users",
        string="Reviews production orders",
        domain="[('share', '=', False)]",
        help="The production department's user who gets an activity to review each submitted "
        "production or support order (ΠΠΥ).",
    )

    support_corrective_user_id = fields.Many2one(
        "res.users",
        string="Corrective actions by",
        domain="[('share', '=', False)]",
        help="The support manager who gets a corrective action for every rating of 1 or 2 "
        "out of 5. Empty: the first support manager of the company.",
    )

    @api.constrains(
        "support_cert_min_installations",
        "support_cert_academy_months",
        "support_cert_min_satisfaction",
        "support_cert_satisfaction_months",
    )
    def _check_support_cert_rules(self):
        for company in self:
            if company.support_cert_min_installations < 0:
                raise ValidationError(self.env._("The minimum number of installations cannot be negative."))
            if company.support_cert_academy_months < 1 or company.support_cert_satisfaction_months < 1:
                raise ValidationError(self.env._("The academy and satisfaction windows are at least one month."))
            if not 0 <= company.support_cert_min_satisfaction <= 100:
                raise ValidationError(self.env._("The minimum satisfaction is a percentage between 0 and 100."))

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # Its own document numbers and the Greek public holidays of its working calendar.
        self.env["ir.sequence"]._support_create_sequences(companies)
        self.env["resource.calendar.leaves"]._support_generate_greek_holidays(
            calendars=companies.sudo().resource_calendar_id,  # sudo: the new companies' calendars, whoever creates them
        )
        # A partner firm that becomes a company here invoices its A1 Forms here from now on.
        # sudo: its forms are found whatever the creating user may read (another company's).
        forms = self.env["support.a1.form"].sudo().search([("firm_id", "in", companies.partner_id.ids)])
        if forms:
            self.env.add_to_compute(forms._fields["firm_company_id"], forms)
        return companies

    def write(self, vals):
        rules = [name for name in vals if name.startswith("support_cert_")]
        before = {company: [company[name] for name in rules] for company in self} if rules else {}
        result = super().write(vals)
        if any(before[company] != [company[name] for name in rules] for company in before):
            # New rules: every technician is checked again, by the triggered cron.
            technicians = (
                self.env["res.partner"]
                .sudo()  # the status is the vendor's, whoever changes the rules
                .with_context(active_test=False)
                .search([("support_certification_checked_on", "!=", False)])
            )
            self.env["support.certification.engine"]._mark_dirty(technicians, sync_limit=0)
        return result
