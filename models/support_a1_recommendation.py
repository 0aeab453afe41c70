from odoo import fields, models


class SupportA1Recommendation(models.Model):
    """What the technician recommends beyond the meeting; the customer accepts it or not.

    What follows an accepted recommendation depends on its kind (support_a1_form_orders.py):
    a software change or a hosting extension becomes a production order (ΠΠΥ), hardware is
    notified to the technician's firm, anything else is an activity for the account manager.
    """

    _name = "support.a1.recommendation"
    _inherit = ["support.a1.form.part"]
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
        help="What follows when the customer accepts it: a production order for a software change or a "
        "hosting extension, a notice to the technician's firm for hardware, an activity for the account "
        "manager otherwise.",
    )
    estimated_cost = fields.Monetary(string="Estimated cost")
    accepted = fields.Selection(
        [("yes", "Yes"), ("no", "No"), ("pending", "Pending")], string="Accepted",
        required=True, default="pending", copy=False,
    )

    _cost_positive = models.Constraint(
        "CHECK (estimated_cost >= 0)", "The estimated cost of a recommendation cannot be negative."
    )
