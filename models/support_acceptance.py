from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import clean_context

from ..input_bounds import LONG_TEXT_MAX_LENGTH

CANCEL_FIELDS = {"state", "cancel_reason", "cancel_user_id", "cancel_date"}


# What the customer accepted for the meeting (the request and its extra actions): the
# accepted amounts of a request and its A1 Form. A production order is invoiced to the firm.
SERVICE_KINDS = ("request", "extra")


class SupportAcceptance(models.Model):
    """The customer's acceptance of a cost: legal evidence, never edited or deleted.

    Only cancelling it, with a reason, is possible; the cancellation is kept beside it.
    """

    _name = "support.acceptance"
    _description = "Cost Acceptance"
    _inherit = ["mail.thread", "support.input.guard"]
    _order = "accepted_on desc, id desc"
    _check_company_auto = True

    # precompute: known before the INSERT, no UPDATE right after it
    name = fields.Char(compute="_compute_name", store=True, precompute=True)
    request_id = fields.Many2one(
        "support.request",
        string="Request",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True, precompute=True)
    partner_id = fields.Many2one(
        related="request_id.partner_id", store=True, index=True, string="Customer", precompute=True
    )
    kind = fields.Selection(
        [("request", "RV request"), ("extra", "Extra action"), ("production", "Production order")],
        required=True,
        readonly=True,
        default="request",
    )
    production_order_id = fields.Many2one(
        "support.production.order",
        string="Production order",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="The production order whose agreed amount the customer accepted.",
    )
    accepted_by_id = fields.Many2one(
        "res.partner",
        string="Accepted by",
        required=True,
        readonly=True,
        help="The customer's contact who accepted the cost.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        help="The portal user who accepted, or the staff member who recorded the acceptance given on the phone.",
    )
    channel = fields.Selection(
        [("portal", "Portal"), ("phone", "Phone")],
        required=True,
        readonly=True,
    )
    accepted_on = fields.Datetime(string="Accepted on", required=True, readonly=True, default=fields.Datetime.now)
    ip_address = fields.Char(string="IP address", readonly=True)
    fault_id = fields.Many2one("support.fault", string="Fault", readonly=True)
    description = fields.Char(readonly=True)
    line_ids = fields.One2many("support.acceptance.line", "acceptance_id", string="Accepted actions", readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount_untaxed = fields.Monetary(string="Untaxed Amount", readonly=True)
    amount_tax = fields.Monetary(string="VAT", readonly=True)
    amount_total = fields.Monetary(string="Total", readonly=True)
    state = fields.Selection(
        [("valid", "Valid"), ("cancelled", "Cancelled")],
        default="valid",
        required=True,
        readonly=True,
        tracking=True,
    )
    cancel_reason = fields.Text(readonly=True, tracking=True)
    cancel_user_id = fields.Many2one("res.users", string="Cancelled by", readonly=True)
    cancel_date = fields.Datetime(string="Cancelled on", readonly=True)

    _support_text_max_lengths = {"cancel_reason": LONG_TEXT_MAX_LENGTH}

    @api.depends("request_id.name", "kind", "accepted_on")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for acceptance in self:
            acceptance.name = f"{acceptance.request_id.name} – {kinds.get(acceptance.kind, '')}"

    def write(self, vals):
        """Nobody edits an acceptance; ``_cancel`` (privileged) only writes its cancellation,
        once, on a valid one: a cancelled acceptance never becomes valid again."""
        changed = set(vals) - {"message_main_attachment_id"}
        is_cancellation = (
            self.env.su
            and changed <= CANCEL_FIELDS
            and vals.get("state") == "cancelled"
            and all(acceptance.state == "valid" for acceptance in self)
        )
        if changed and not is_cancellation:
            raise UserError(
                self.env._(
                    "A cost acceptance is the customer's agreement and cannot be changed. "
                    "Cancel it with a reason instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A cost acceptance is the customer's agreement and cannot be deleted."))

    @api.model
    def _record(self, vals_list):
        """Store the customers' acceptances: the only way one is created.

        The registration and extra-action code calls this after their own checks, with
        who accepted, who recorded it, when, how and from where; no user creates an
        acceptance (or adds a line to one) through the ORM.
        """
        # sudo: acceptances are read-only for every role; they are created here only.
        # No default from the caller's context (``default_*`` keys) reaches the evidence,
        # and it is its own record: no "created" note in its chatter.
        Acceptance = self.sudo().with_context(clean_context(self.env.context), mail_create_nolog=True)
        return Acceptance.create(vals_list).sudo(self.env.su)  # back to the caller's rights

    def _filter_valid(self, kinds=None):
        """The acceptances in force (not cancelled), of ``kinds`` only when given."""
        return self.filtered(lambda a: a.state == "valid" and (kinds is None or a.kind in kinds))

    def _cancel(self, reason):
        """Cancel the acceptances with a reason, kept in their history.

        Support staff cancel (with the request, or when it is refused): the caller's right
        is checked here, and the cancellation records who and when.
        """
        if not (self.env.su or self.env.user.has_group("certified_support.group_support_user")):
            raise AccessError(self.env._("Only support staff can cancel a cost acceptance."))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for cancelling the cost acceptance."))
        if any(acceptance.state != "valid" for acceptance in self):
            raise UserError(self.env._("This cost acceptance is already cancelled."))
        # sudo: acceptances are read-only for every role; the right was checked above and
        # only the cancellation fields are written (``write`` refuses anything else).
        self.sudo().write(
            {
                "state": "cancelled",
                "cancel_reason": reason.strip(),
                "cancel_user_id": self.env.user.id,
                "cancel_date": fields.Datetime.now(),
            }
        )
