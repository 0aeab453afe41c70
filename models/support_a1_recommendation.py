from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..input_bounds import MAX_AMOUNT, RECOMMENDATION_MAX_LENGTH


class SupportA1Recommendation(models.Model):
    """What the technician recommends beyond the meeting; the customer accepts it or not.

    What follows an accepted recommendation depends on its kind (the A1 Form's
    ``_create_orders_from_recommendations()``): a software change or a hosting extension
    becomes a production order (ΠΠΥ), hardware is notified to the technician's firm,
    anything else is an activity for the account manager.
    """

    _name = "support.a1.recommendation"
    _inherit = ["support.a1.form.part", "support.input.guard"]
    _description = "A1 Form Recommendation"

    name = fields.Text(string="Recommendation", required=True)
    kind = fields.Selection(
        [
            ("software", "Software change"),
            ("hosting", "Hosting extension"),
            ("hardware", "Hardware"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        help="What follows when the customer accepts it: a production order for a software change or a "
        "hosting extension, a notice to the technician's firm for hardware, an activity for the account "
        "manager otherwise.",
    )
    estimated_cost = fields.Monetary(string="Estimated cost")
    accepted = fields.Selection(
        [("yes", "Yes"), ("no", "No"), ("pending", "Pending")],
        required=True,
        default="pending",
        copy=False,
    )
    origin_id = fields.Many2one(
        "support.a1.recommendation",
        string="Corrects recommendation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The recommendation of the corrected A1 Form this one was copied from: what followed its "
        "acceptance (production order, notice, activity) is not done again.",
    )

    _cost_positive = models.Constraint(
        f"CHECK (estimated_cost >= 0 AND estimated_cost <= {MAX_AMOUNT})",
        f"The estimated cost of a recommendation must be between 0 and {MAX_AMOUNT}.",
    )
    _support_text_max_lengths = {"name": RECOMMENDATION_MAX_LENGTH}

    @api.constrains("origin_id", "a1_form_id")
    def _check_origin(self):
        for rec in self.filtered("origin_id"):
            if rec.origin_id.a1_form_id != rec.a1_form_id.correction_of_id:
                raise ValidationError(
                    self.env._("A recommendation of a correction comes from the A1 Form it corrects.")
                )

    def write(self, vals):
        if "origin_id" in vals and any(rec.origin_id.id != (vals["origin_id"] or False) for rec in self):
            raise UserError(self.env._("Where a recommendation comes from is set when the correction is created."))
        return super().write(vals)

    def _support_lineage(self):
        """These recommendations and those they were copied from, correction after correction."""
        lineage = self.browse()
        todo = self
        while todo:
            lineage |= todo
            todo = todo.origin_id - lineage
        return lineage

    def _support_followed_up(self):
        """The accepted recommendations whose follow-up was given already, for an earlier
        signed version of the same recommendation (before a correction): not again."""
        done = self.browse()
        orders = (
            self.env["support.production.order"]
            # sudo: the system's follow-ups of earlier versions, whoever signs
            .sudo()
            .search(  # the system's follow-ups, whoever signs
                [("recommendation_id", "in", (self._support_lineage() - self).ids)]
            )
        )
        for rec in self:
            ancestors = rec.origin_id._support_lineage()
            if rec.kind in ("software", "hosting"):
                followed = ancestors & orders.recommendation_id
            else:
                followed = ancestors.filtered(lambda a, rec=rec: a.kind == rec.kind and a.accepted == "yes")
            if followed:
                done |= rec
        return done
