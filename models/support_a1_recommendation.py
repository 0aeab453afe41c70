from odoo import api, fields, models


class SupportA1Recommendation(models.Model):
    """What the technician recommends beyond the meeting; the customer accepts it or not."""

    _name = "support.a1.recommendation"
    _description = "A1 Form Recommendation"
    _order = "a1_form_id, sequence, id"

    a1_form_id = fields.Many2one(
        "support.a1.form", string="A1 Form", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="a1_form_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="a1_form_id.currency_id")
    name = fields.Text(string="Recommendation", required=True)
    kind = fields.Selection(
        [
            ("software", "Software change"),
            ("hosting", "Hosting extension"),
            ("hardware", "Hardware"),
            ("other", "Other"),
        ],
        required=True, default="other",
    )
    estimated_cost = fields.Monetary(string="Estimated cost")
    accepted = fields.Selection(
        [("yes", "Yes"), ("no", "No"), ("pending", "Pending")], string="Accepted",
        required=True, default="pending", copy=False,
    )

    _cost_positive = models.Constraint(
        "CHECK (estimated_cost >= 0)", "The estimated cost of a recommendation cannot be negative."
    )

    @api.model_create_multi
    def create(self, vals_list):
        forms = self.env["support.a1.form"].browse([vals.get("a1_form_id") for vals in vals_list if vals.get("a1_form_id")])
        forms._check_not_signed()
        return super().create(vals_list)

    def write(self, vals):
        self.a1_form_id._check_not_signed()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_not_signed(self):
        self.a1_form_id._check_not_signed()
