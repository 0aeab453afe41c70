from odoo import fields, models


class SupportFaultLine(models.Model):
    _name = "support.fault.line"
    _inherit = ["support.priced.line"]
    _description = "Technical Action of a Fault"
    _order = "fault_id, sequence, id"
    _check_company_auto = True

    fault_id = fields.Many2one(
        "support.fault", string="Fault", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        related="fault_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="fault_id.currency_id")

    _quantity_positive = models.Constraint(
        "CHECK (quantity > 0)", "The hours of a technical action must be positive."
    )
    _price_positive = models.Constraint(
        "CHECK (price_unit >= 0)", "The price of a technical action cannot be negative."
    )
