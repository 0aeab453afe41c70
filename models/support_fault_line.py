from odoo import fields, models


class SupportFaultLine(models.Model):
    _name = "support.fault.line"
    _inherit = ["support.priced.line"]
    _description = "Technical Action of a Fault"
    _order = "fault_id, sequence, id"

    fault_id = fields.Many2one("support.fault", string="Fault", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="fault_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="fault_id.currency_id")
