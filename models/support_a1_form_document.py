from odoo import api, fields, models
from odoo.exceptions import UserError

# Who finished the form in the Technical Diary, and when: the technician's signature on the
# A1 Form. Written by action_file() only, together with the move from Draft to Filed.
FILING_FIELDS = {"filed_by_id", "filed_on"}


class SupportA1Form(models.Model):
    """What the A1 Form document shows besides its lines: the technician's signature and
    the amounts the customer accepted beside the ones delivered."""

    _inherit = "support.a1.form"

    filed_by_id = fields.Many2one(
        "res.users",
        string="Filed by",
        readonly=True,
        copy=False,
        help="The user who filed the A1 Form in the Technical Diary: the technician's signature.",
    )
    filed_on = fields.Datetime(
        string="Filed on",
        readonly=True,
        copy=False,
        help="When the technician filed the A1 Form: the customer's working days to sign count from then.",
    )
    accepted_amount_untaxed = fields.Monetary(
        string="Accepted untaxed amount",
        compute="_compute_accepted_amounts",
        help="The untaxed total of the customer's valid cost acceptances for the request.",
    )
    accepted_amount_tax = fields.Monetary(string="Accepted VAT", compute="_compute_accepted_amounts")
    accepted_amount_total = fields.Monetary(
        string="Accepted total",
        compute="_compute_accepted_amounts",
        help="The total (VAT included) of the customer's valid cost acceptances: the request and its "
        "accepted extra actions.",
    )
    amount_difference = fields.Monetary(
        string="Difference from the accepted total",
        compute="_compute_accepted_amounts",
        help="Delivered total minus accepted total: negative when less was delivered than accepted.",
    )

    @api.depends("request_id.acceptance_ids.state", "request_id.acceptance_ids.amount_total", "amount_total")
    def _compute_accepted_amounts(self):
        # The acceptances of the form's own request, for whoever may read the form (an
        # accountant or a portal user reads no acceptance record).
        for form in self:
            acceptances = form.request_id.sudo().acceptance_ids.filtered(lambda a: a.state == "valid")
            form.accepted_amount_untaxed = sum(acceptances.mapped("amount_untaxed"))
            form.accepted_amount_tax = sum(acceptances.mapped("amount_tax"))
            form.accepted_amount_total = sum(acceptances.mapped("amount_total"))
            form.amount_difference = form.amount_total - form.accepted_amount_total

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get(name) for vals in vals_list for name in FILING_FIELDS):
            raise UserError(self.env._("Who filed an A1 Form and when are recorded when it is filed."))
        return super().create(vals_list)

    def _check_write(self, vals):
        result = super()._check_write(vals)
        if FILING_FIELDS & set(vals) and not (
            vals.get("state") == "filed" and all(form.state == "draft" for form in self)
        ):
            raise UserError(self.env._("Who filed an A1 Form and when are recorded when it is filed."))
        return result
