from collections import defaultdict

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare


class SupportA1FormLine(models.Model):
    """A service given during the meeting: only what the customer accepted."""

    _name = "support.a1.form.line"
    _inherit = ["support.priced.line", "support.a1.form.part"]
    _description = "A1 Form Service"

    @api.constrains("product_id", "a1_form_id")
    def _check_product_accepted(self):
        for line in self:
            accepted = line.a1_form_id.request_id._get_a1_accepted_products()
            if line.product_id not in accepted:
                raise ValidationError(
                    self.env._(
                        "%(action)s was not accepted by the customer for %(request)s: only the accepted "
                        "actions and accepted extra actions can be given.",
                        action=line.product_id.display_name,
                        request=line.a1_form_id.request_id.name,
                    )
                )

    @api.constrains("product_id", "quantity", "price_unit", "a1_form_id")
    def _check_within_accepted(self):
        """Step 6: the A1 Form gives at most the hours the customer accepted for each
        action, at an accepted price; more work needs an extra action accepted first."""
        for form in self.a1_form_id:
            accepted_lines = form.request_id.acceptance_ids._filter_valid().line_ids
            accepted_hours = defaultdict(float)
            accepted_prices = defaultdict(set)
            for line in accepted_lines:
                accepted_hours[line.product_id] += line.quantity
                accepted_prices[line.product_id].add(form.currency_id.round(line.price_unit))
            given = defaultdict(float)
            for line in form.line_ids:
                given[line.product_id] += line.quantity
                if (
                    accepted_prices[line.product_id]
                    and form.currency_id.round(line.price_unit) not in accepted_prices[line.product_id]
                ):
                    raise ValidationError(
                        self.env._(
                            "%(action)s is given at the price the customer accepted, not another one.",
                            action=line.product_id.display_name,
                        )
                    )
            for product, hours in given.items():
                if product in accepted_hours and float_compare(hours, accepted_hours[product], precision_digits=2) > 0:
                    raise ValidationError(
                        self.env._(
                            "%(action)s: %(given)s h given, but the customer accepted %(accepted)s h. More work "
                            "needs an extra action that the customer accepts first: propose it from the request.",
                            action=product.display_name,
                            given=round(hours, 2),
                            accepted=round(accepted_hours[product], 2),
                        )
                    )
