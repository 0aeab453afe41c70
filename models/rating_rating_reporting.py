from odoo import api, fields, models


class RatingRating(models.Model):
    """Satisfaction reporting of RV requests: by the rated technician's firm, and the share
    of happy customers as an average."""

    _inherit = "rating.rating"

    support_firm_id = fields.Many2one(
        "res.partner",
        string="Partner firm",
        related="rated_partner_id.commercial_partner_id",
        store=True,
        index="btree_not_null",
    )
    support_satisfaction = fields.Float(
        string="Satisfaction (%)",
        compute="_compute_support_satisfaction",
        store=True,
        aggregator="avg",
        help="100 for a happy customer (4 or 5 out of 5), 0 otherwise: its average is the share of happy customers.",
    )

    @api.depends("rating", "consumed")
    def _compute_support_satisfaction(self):
        for rating in self:
            rating.support_satisfaction = 100.0 if rating.consumed and rating.rating >= 4 else 0.0
