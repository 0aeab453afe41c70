from odoo import fields, models

from ..input_bounds import MAX_AMOUNT, RECOMMENDATION_MAX_LENGTH


class SupportA1Recommendation(models.Model):
    """What the technician recommends beyond the meeting; the customer accepts it or not."""

    _name = "support.a1.recommendation"
    _inherit = ["support.a1.form.part", "support.input.guard"]
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
        f"CHECK (estimated_cost >= 0 AND estimated_cost <= {MAX_AMOUNT})",
        f"The estimated cost of a recommendation must be between 0 and {MAX_AMOUNT}.",
    )
    _support_text_max_lengths = {"name": RECOMMENDATION_MAX_LENGTH}
