from odoo import fields, models


class SupportFaultCategory(models.Model):
    _name = "support.fault.category"
    _description = "Fault Category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    fault_ids = fields.One2many("support.fault", "category_id", string="Faults")
