from odoo import fields, models

from ..input_bounds import MAX_AMOUNT, MAX_LINE_HOURS


class SupportFaultLine(models.Model):
    _name = "support.fault.line"
    _inherit = ["support.priced.line"]
    _description = "Technical Action of a Fault"
    _order = "fault_id, sequence, id"
    _check_company_auto = True

    fault_id = fields.Many2one("support.fault", string="Fault", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="fault_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="fault_id.currency_id")

    _quantity_positive = models.Constraint(
        f"CHECK (quantity > 0 AND quantity <= {MAX_LINE_HOURS})",
        f"The hours of a technical action must be more than 0 and at most {MAX_LINE_HOURS}.",
    )
    _price_positive = models.Constraint(
        f"CHECK (price_unit >= 0 AND price_unit <= {MAX_AMOUNT})",
        f"The price of a technical action must be between 0 and {MAX_AMOUNT}.",
    )
