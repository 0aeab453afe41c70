from odoo import api, fields, models
from odoo.fields import Command

from ..input_bounds import MAX_AMOUNT, MAX_LINE_HOURS


def priced_line_values(line, **values):
    """The values of a line copied from ``line``, a priced line or an action frozen from one
    (an accepted action): its action, description, hours, unit price and VAT. ``values``
    add to them or replace them (a sequence, the hours given, another VAT)."""
    return {
        "product_id": line.product_id.id,
        "name": line.name,
        "quantity": line.quantity,
        "price_unit": line.price_unit,
        "tax_ids": [Command.set(line.tax_ids.ids)],
        **values,
    }


class SupportPricedLine(models.AbstractModel):
    """A service with hours, a unit price and VAT, priced from its product.

    Shared by the catalogue's technical actions, the extra actions of a request and the
    services given in an A1 Form, with the bounds of their hours and prices.
    """

    _name = "support.priced.line"
    _inherit = ["support.input.guard"]
    _description = "Priced Service Line"
    _check_company_auto = True

    # Defined again by each concrete model, from its parent document.
    company_id = fields.Many2one("res.company")
    currency_id = fields.Many2one("res.currency")
    product_id = fields.Many2one(
        "product.product",
        string="Action",
        required=True,
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="The service the certified technician performs.",
    )
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    quantity = fields.Float(string="Hours", default=1.0, digits="Product Unit", required=True)
    price_unit = fields.Monetary(
        string="Unit Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
        help="Taken from the service's sales price; can be changed on the line.",
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="VAT",
        compute="_compute_tax_ids",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('type_tax_use', '=', 'sale')]",
    )
    price_subtotal = fields.Monetary(string="Subtotal", compute="_compute_amount", store=True, precompute=True)
    price_tax = fields.Monetary(string="VAT Amount", compute="_compute_amount", store=True, precompute=True)
    price_total = fields.Monetary(string="Total", compute="_compute_amount", store=True, precompute=True)

    _quantity_positive = models.Constraint(
        f"CHECK (quantity > 0 AND quantity <= {MAX_LINE_HOURS})",
        f"The hours of a service must be more than 0 and at most {MAX_LINE_HOURS}.",
    )
    _price_positive = models.Constraint(
        f"CHECK (price_unit >= 0 AND price_unit <= {MAX_AMOUNT})",
        f"The unit price of a service must be between 0 and {MAX_AMOUNT}.",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id:
                line.name = line.product_id.with_context(
                    display_default_code=False
                ).get_product_multiline_description_sale()

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            line.price_unit = line.product_id.lst_price

    @api.depends("product_id", "company_id")
    def _compute_tax_ids(self):
        for line in self:
            company = line.company_id or self.env.company
            line.tax_ids = line.product_id.taxes_id._filter_taxes_by_company(company)

    @api.depends("quantity", "price_unit", "tax_ids")
    def _compute_amount(self):
        AccountTax = self.env["account.tax"]
        for line in self:
            company = line.company_id or self.env.company
            base_line = line._prepare_base_line_for_taxes_computation()
            AccountTax._add_tax_details_in_base_line(base_line, company)
            AccountTax._round_base_lines_tax_details([base_line], company)
            line.price_subtotal = base_line["tax_details"]["total_excluded_currency"]
            line.price_total = base_line["tax_details"]["total_included_currency"]
            line.price_tax = line.price_total - line.price_subtotal

    def _prepare_base_line_for_taxes_computation(self, **kwargs):
        self.ensure_one()
        company = self.company_id or self.env.company
        return self.env["account.tax"]._prepare_base_line_for_taxes_computation(
            self,
            **{
                "tax_ids": self.tax_ids,
                "quantity": self.quantity,
                "currency_id": self.currency_id or company.currency_id,
                "name": self.name,
                **kwargs,
            },
        )
