from odoo import api, fields, models
from odoo.exceptions import UserError


class SupportFault(models.Model):
    _name = "support.fault"
    _description = "Fault Catalogue Entry"
    _inherit = ["mail.thread", "support.input.guard"]
    _order = "sequence, code, id"
    _check_company_auto = True

    code = fields.Char(required=True, tracking=True)
    name = fields.Char(string="Fault", required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    category_id = fields.Many2one("support.fault.category", string="Category", index=True, tracking=True)
    description = fields.Html(
        string="Description for the customer",
        translate=True,
        help="What the customer reads in the portal when choosing this fault.",
    )
    location = fields.Selection(
        [("onsite", "On site"), ("remote", "Remote"), ("both", "On site or remote")],
        string="Where",
        required=True,
        default="both",
        tracking=True,
    )
    line_ids = fields.One2many("support.fault.line", "fault_id", string="Technical actions", copy=True)
    duration = fields.Float(
        string="Estimated hours",
        compute="_compute_amounts",
        store=True,
        help="The hours of all the technical actions.",
    )
    amount_untaxed = fields.Monetary(string="Untaxed Amount", compute="_compute_amounts", store=True, tracking=True)
    amount_tax = fields.Monetary(string="VAT", compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(string="Total", compute="_compute_amounts", store=True, tracking=True)

    _code_company_uniq = models.Constraint(
        "UNIQUE (code, company_id)",
        "Each fault of the catalogue needs its own code.",
    )

    @api.depends("line_ids.price_subtotal", "line_ids.price_total", "line_ids.quantity", "company_id")
    def _compute_amounts(self):
        AccountTax = self.env["account.tax"]
        for fault in self:
            base_lines = [line._prepare_base_line_for_taxes_computation() for line in fault.line_ids]
            AccountTax._add_tax_details_in_base_lines(base_lines, fault.company_id)
            AccountTax._round_base_lines_tax_details(base_lines, fault.company_id)
            totals = AccountTax._get_tax_totals_summary(
                base_lines=base_lines,
                currency=fault.currency_id,
                company=fault.company_id,
            )
            fault.duration = sum(fault.line_ids.mapped("quantity"))
            fault.amount_untaxed = totals["base_amount_currency"]
            fault.amount_tax = totals["tax_amount_currency"]
            fault.amount_total = totals["total_amount_currency"]

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = (
            self.env["support.request"]
            # sudo: any company's request counts
            .sudo()
            .search_count([("fault_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(
                self.env._(
                    "Customers have already asked for support with this fault: archive it instead "
                    "of deleting it, so that their requests keep what they accepted."
                )
            )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for fault in self:
            fault.display_name = f"[{fault.code}] {fault.name}" if fault.code else fault.name

    @api.model
    def _search_display_name(self, operator, value):
        if operator in ("ilike", "not ilike", "=", "!=") and value:
            domain = ["|", ("code", operator, value), ("name", operator, value)]
            if operator in ("not ilike", "!="):
                domain = ["&", ("code", operator, value), ("name", operator, value)]
            return domain
        return super()._search_display_name(operator, value)
