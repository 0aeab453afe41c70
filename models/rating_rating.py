from odoo import api, fields, models
from odoo.exceptions import AccessError

# What staff may still write on a rating of an RV request: nothing of what the customer
# gave, nor where it points (only the rating flows write those, as superuser).
SUPPORT_STAFF_WRITABLE = {"is_internal"}


class RatingRating(models.Model):
    """Ratings of RV requests: the customer's evidence (staff neither create, change nor
    delete them), the rated technician's certification kept up to date, and the
    satisfaction reporting (by the rated technician's firm, the share of happy customers
    as an average)."""

    _name = "rating.rating"
    _inherit = ["rating.rating", "support.certification.input"]

    _support_certification_inputs = frozenset(
        {"rating", "consumed", "rated_partner_id", "res_id", "res_model_id", "rated_on"}
    )

    support_source = fields.Selection(
        [("portal", "Portal or e-mail link"), ("phone", "Phone")],
        string="Rated through",
        default="portal",
        readonly=True,
        help="Phone: the account manager recorded what the customer said on the phone.",
    )
    support_phone_contact_id = fields.Many2one("res.partner", string="Answered by", readonly=True)
    support_called_by_id = fields.Many2one("res.users", string="Called by", readonly=True)

    # Reporting
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

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(self._support_vals_target_request(vals) for vals in vals_list):
            raise AccessError(self.env._("Ratings of RV requests are given by the customers, not created by staff."))
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - SUPPORT_STAFF_WRITABLE or self._support_vals_target_request(vals):
            self._support_check_not_staff_edit(vals)
        return super().write(vals)

    def unlink(self):
        self._support_check_not_staff_edit()
        return super().unlink()

    def _support_vals_target_request(self, vals):
        """Whether ``vals`` point a rating at an RV request."""
        request_model = self.env["ir.model"]._get_id("support.request")
        return vals.get("res_model") == "support.request" or vals.get("res_model_id") == request_model

    def _support_check_not_staff_edit(self, vals=None):
        """A customer's rating of an RV request is evidence: only the customer's rating link
        and the phone wizard (both as superuser, after their own checks) write it; nobody
        else creates, changes, moves or deletes one."""
        if self.env.su:
            return
        # read the model of ratings the user may not read
        if any(rating.res_model == "support.request" for rating in self.sudo()) or (
            vals and self._support_vals_target_request(vals)
        ):
            raise AccessError(self.env._("The customer's rating of an RV request cannot be changed by staff."))

    def _support_certification_partners(self):
        """The technicians rated through RV requests: the customers' given ratings make
        their satisfaction score."""
        return (
            # sudo: the technicians whose score a rating changes, whoever rates
            self.sudo().filtered(lambda r: r.consumed and r.res_model == "support.request").rated_partner_id
        )

    @api.depends("rating", "consumed")
    def _compute_support_satisfaction(self):
        for rating in self:
            rating.support_satisfaction = 100.0 if rating.consumed and rating.rating >= 4 else 0.0
