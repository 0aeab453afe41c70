from odoo import api, fields, models
from odoo.exceptions import UserError


class SupportAcceptanceLine(models.Model):
    """One accepted action, frozen as the customer saw it."""

    _name = "support.acceptance.line"
    _description = "Accepted Action"
    _order = "acceptance_id, sequence, id"

    acceptance_id = fields.Many2one("support.acceptance", required=True, index=True, ondelete="cascade", readonly=True)
    sequence = fields.Integer(readonly=True)
    product_id = fields.Many2one("product.product", string="Action", required=True, readonly=True)
    name = fields.Char(string="Description", required=True, readonly=True)
    quantity = fields.Float(string="Hours", digits="Product Unit", readonly=True)
    currency_id = fields.Many2one(related="acceptance_id.currency_id")
    price_unit = fields.Monetary(string="Unit Price", readonly=True)
    tax_ids = fields.Many2many("account.tax", string="VAT", readonly=True)
    price_subtotal = fields.Monetary(string="Subtotal", readonly=True)
    price_total = fields.Monetary(string="Total", readonly=True)

    def write(self, vals):  # pylint: disable=method-required-super  # refuses every change
        raise UserError(self.env._("An accepted action is part of the customer's agreement and cannot be changed."))

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("An accepted action is part of the customer's agreement and cannot be deleted."))
