from odoo import api, models
from odoo.exceptions import UserError

# l10n_gr's sales VAT on services (24%, mainland Greece): the default of a service line, never
# its goods twin (``l10n_gr_tax_s24_G``, the chart's default sales tax): the VAT return keeps
# goods and services apart.
GR_SERVICE_SALE_TAX = "l10n_gr_tax_s24_S"


class AccountTax(models.Model):
    _inherit = "account.tax"

    def _support_goods_taxes(self):
        """Those of these taxes that are for goods only: Odoo's scope "Goods", or one of
        l10n_gr's goods taxes (xml ids ``l10n_gr_tax_*_G*``, whose scope the chart leaves empty)."""
        data = (
            self.env["ir.model.data"]
            # sudo: which chart record a tax is (ir.model.data), for any user and company
            .sudo()
            .search_read(  # which chart record a tax is, any company
                [("model", "=", "account.tax"), ("module", "=", "account"), ("res_id", "in", self.ids)],
                ["name", "res_id"],
            )
        )
        gr_goods = {
            row["res_id"]
            for row in data
            if "_l10n_gr_tax_" in row["name"] and ("_G_" in row["name"] or row["name"].endswith("_G"))
        }
        return self.filtered(lambda tax: tax.tax_scope == "consu" or tax.id in gr_goods)

    @api.model
    def _support_service_sale_tax(self, company, product=None):
        """The sales VAT of a service `company` sells (before its customer's fiscal position):
        the product's own sales tax of that company when it is not a goods tax, else the
        chart's 24% services VAT (l10n_gr), else the company's sales tax for services.
        Never a goods tax; one tax (myDATA accepts one VAT per line)."""
        taxes = (
            # sudo: the product's taxes of every company, as account reads them
            product.sudo().taxes_id._filter_taxes_by_company(company) if product else self.browse()
        )
        taxes = taxes.filtered(lambda tax: tax.type_tax_use == "sale" and tax.active)
        taxes -= taxes._support_goods_taxes()
        if taxes:
            return self.browse(taxes[:1].id)
        tax = self.browse()
        if company.chart_template == "gr":
            tax = (
                self.env["account.chart.template"]
                .with_company(company)
                .ref(GR_SERVICE_SALE_TAX, raise_if_not_found=False)
            )
        if not tax:
            # sudo: the company's taxes, whatever companies the user works in now
            tax = self.sudo().search(
                [
                    *self._check_company_domain(company),
                    ("type_tax_use", "=", "sale"),
                    ("tax_scope", "=", "service"),
                    ("amount_type", "=", "percent"),
                ],
                order="sequence, amount desc, id",
                limit=1,
            )
        if not tax or not tax.active:
            raise UserError(
                self.env._(
                    "%(company)s has no sales VAT for services to invoice %(product)s with: add one "
                    "(Accounting > Configuration > Taxes, scope Services) or set it on the product.",
                    company=company.name,
                    product=product.display_name if product else self.env._("this service"),
                )
            )
        return self.browse(tax.id)

    @api.model
    def _support_service_taxes(self, company, fiscal_position, product=None):
        """The VAT of a service `company` invoices to a customer: its sales VAT on services
        mapped by the customer's fiscal position, one tax (myDATA: one VAT per line)."""
        return fiscal_position.map_tax(self._support_service_sale_tax(company, product))[:1]
