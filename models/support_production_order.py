from odoo import api, fields, models
from odoo.exceptions import LockError, UserError

from ..input_bounds import LONG_TEXT_MAX_LENGTH, MAX_AMOUNT, NAME_MAX_LENGTH, check_date_window

# What the customer writes in the portal: the specification of the change.
SPECIFICATION_FIELDS = (
    "title",
    "current_behaviour",
    "requested_change",
    "business_reason",
    "priority",
    "deadline_wish",
)


class SupportProductionOrder(models.Model):
    """ΠΠΥ: the customer's production or support order for an accepted software change or
    hosting extension recommended in a signed A1 Form. Invoiced by the vendor to the firm.

    The customer's letters (``support.letter.mixin``): "Complete your production order"
    when it is opened for the customer, and a letter for each change of its state."""

    _name = "support.production.order"
    _description = "Production or Support Order"
    _inherit = ["portal.mixin", "support.document", "support.input.guard", "support.letter.mixin"]

    a1_form_id = fields.Many2one(
        "support.a1.form",
        string="A1 Form",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    recommendation_id = fields.Many2one(
        "support.a1.recommendation",
        string="Recommendation",
        readonly=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
    )
    technician_id = fields.Many2one(related="a1_form_id.technician_id", string="Technician")
    firm_id = fields.Many2one(
        "res.partner",
        string="Partner firm",
        readonly=True,
        index="btree_not_null",
        help="The technician's firm: the vendor invoices it for the accepted order.",
    )
    kind = fields.Selection(
        [("software", "Software change"), ("hosting", "Hosting extension")],
        required=True,
        readonly=True,
    )
    amount = fields.Monetary(
        string="Estimated amount",
        tracking=True,
        help="The technician's estimate in the A1 Form's recommendation: a guide, never invoiced.",
    )
    agreed_amount = fields.Monetary(
        string="Agreed amount",
        tracking=True,
        copy=False,
        help="The price of the change (before VAT) the production department sets when it accepts the "
        "specification. The customer accepts it in the portal before production starts; the vendor "
        "invoices the technician's firm this accepted amount only.",
    )
    amount_acceptance_id = fields.Many2one(
        "support.acceptance",
        string="Customer's acceptance",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The customer's acceptance of the agreed amount: who, when, from where, which amount.",
    )
    amount_accepted = fields.Boolean(
        string="Amount accepted",
        compute="_compute_amount_accepted",
        help="The customer accepted the agreed amount and the acceptance is not cancelled.",
    )

    # The specification, completed by the customer in the portal
    title = fields.Char(tracking=True)
    current_behaviour = fields.Text(string="Current behaviour")
    requested_change = fields.Text(string="Requested change")
    business_reason = fields.Text(string="Business reason")
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")],
        default="0",
    )
    deadline_wish = fields.Date(string="Wished deadline")

    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("clarification", "Clarification requested"),
            ("accepted", "Accepted"),
            ("invoiced", "Invoiced"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    submitted_on = fields.Datetime(readonly=True, copy=False)
    invoice_ids = fields.One2many("account.move", "production_order_id", string="Invoices", readonly=True)

    _recommendation_unique = models.Constraint(
        "UNIQUE (recommendation_id)",
        "A recommendation gives one production order only.",
    )
    _amount_positive = models.Constraint(
        f"CHECK (amount >= 0 AND amount <= {MAX_AMOUNT})", f"The amount must be between 0 and {MAX_AMOUNT}."
    )
    _agreed_amount_bounds = models.Constraint(
        f"CHECK (agreed_amount IS NULL OR (agreed_amount >= 0 AND agreed_amount <= {MAX_AMOUNT}))",
        f"The agreed amount must be between 0 and {MAX_AMOUNT}.",
    )
    _partner_idx = models.Index("(partner_id, id DESC)")
    _support_text_max_lengths = {
        "title": NAME_MAX_LENGTH,
        "current_behaviour": LONG_TEXT_MAX_LENGTH,
        "requested_change": LONG_TEXT_MAX_LENGTH,
        "business_reason": LONG_TEXT_MAX_LENGTH,
    }

    def _compute_access_url(self):  # pylint: disable=missing-return  # a compute returns nothing
        super()._compute_access_url()
        for order in self:
            order.access_url = f"/my/production-orders/{order.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Production order %s", self.name).replace("/", "-")

    @api.depends("amount_acceptance_id.state")
    def _compute_amount_accepted(self):
        for order in self:
            order.amount_accepted = order.amount_acceptance_id.state == "valid"

    @api.constrains("deadline_wish")
    def _check_deadline_wish(self):
        check_date_window(self, "deadline_wish")

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._support_send_state_letters()
        return orders

    def write(self, vals):
        # What the customer accepted is what is invoiced: the agreed amount is fixed from then on.
        if "agreed_amount" in vals and any(
            order.amount_accepted and order.agreed_amount != vals["agreed_amount"] for order in self
        ):
            raise UserError(self.env._("The customer accepted the agreed amount: it cannot be changed any more."))
        if "amount_acceptance_id" in vals:
            # Only an acceptance of this very order (created by ``_record``, read-only for
            # every role) replaces none or a cancelled one.
            acceptance = (
                # sudo: the acceptance is evidence, read whoever writes the order
                self.env["support.acceptance"].sudo().browse(vals["amount_acceptance_id"])
            )  # the evidence, whoever writes
            if any(
                order.amount_accepted or acceptance.production_order_id != order or acceptance.state != "valid"
                for order in self
            ):
                raise UserError(
                    self.env._("The customer's acceptance of the agreed amount is recorded from the portal only.")
                )
        if "state" not in vals:
            return super().write(vals)
        before = {order.id: order.state for order in self}
        result = super().write(vals)
        changed = self.filtered(lambda order: before[order.id] != order.state)
        # An invoice cancelled in accounting puts the order back to accepted: nothing new
        # for the customer, who was told it is accepted already.
        changed = changed.filtered(lambda order: not (before[order.id] == "invoiced" and order.state == "accepted"))
        changed._support_send_state_letters()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(order.state not in ("draft", "cancelled") for order in self):
            raise UserError(self.env._("Only a draft or cancelled production order can be deleted."))

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------

    def _check_state(self, allowed, message):
        if any(order.state not in allowed for order in self):
            raise UserError(message)

    def action_submit(self):
        """The customer sends the specification to the responsible department."""
        self._check_state(
            ("draft", "clarification"),
            self.env._("Only a draft order or one waiting for clarifications can be submitted."),
        )
        for order in self:
            if not (order.title and order.requested_change):
                raise UserError(
                    self.env._("Give the order a title and describe the requested change before submitting it.")
                )
        self.write({"state": "submitted", "submitted_on": fields.Datetime.now()})
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for order in self:
            reviewer = order.company_id.support_production_user_id
            if reviewer:
                # The customer submits from the portal: the activity is the department's.
                order.sudo().activity_schedule(
                    activity_type_id=activity_type.id,
                    summary=self.env._("Review the production order %s", order.name),
                    user_id=reviewer.id,
                )
        return True

    def action_request_clarification(self):
        self._check_state(("submitted",), self.env._("Clarifications are asked for a submitted order."))
        self.write({"state": "clarification"})  # the customer's letter: write()
        return True

    def action_accept(self):
        """The production department accepts the specification at the agreed amount, which
        the customer then accepts in the portal before production starts."""
        self._check_state(("submitted",), self.env._("Only a submitted order can be accepted."))
        for order in self:
            if order.agreed_amount <= 0:
                raise UserError(
                    self.env._(
                        "Set the agreed amount of %s before accepting it: the customer accepts that amount.", order.name
                    )
                )
        self.write({"state": "accepted"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_cancel(self):
        self._check_state(
            ("draft", "submitted", "clarification", "accepted"),
            self.env._("An invoiced order cannot be cancelled: cancel its invoice first."),
        )
        # sudo: whoever may cancel the order cancels the customer's acceptance of its amount
        # with it (acceptances are read-only to every role); the reason stays in its history.
        self.amount_acceptance_id._filter_valid().sudo()._cancel(
            self.env._("Production order cancelled by %s.", self.env.user.name)
        )
        self.write({"state": "cancelled"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_reset_to_draft(self):
        self._check_state(("cancelled",), self.env._("Only a cancelled order goes back to draft."))
        self.write({"state": "draft"})
        return True

    # ------------------------------------------------------------------
    # Invoicing: the vendor invoices the technician's firm
    # ------------------------------------------------------------------

    def action_create_invoices(self):
        """One customer invoice per accepted order, to the firm, in the order's company.

        Invoiced once: the rows are locked and re-checked, and a unique partial index on
        account.move(production_order_id) refuses a second live invoice at the database level.
        """
        if not self:
            return True
        self.env["account.move"]._support_lock_to_invoice(
            self, self.env._("These production orders are being invoiced by someone else."), ["state"]
        )
        self._check_state(("accepted",), self.env._("Only accepted production orders are invoiced."))
        self.invalidate_recordset(["amount_acceptance_id"])
        for order in self:
            if not order.firm_id:
                raise UserError(self.env._("%s has no technician's firm to invoice.", order.name))
            if not order.amount_accepted:
                raise UserError(
                    self.env._(
                        "The customer has not accepted the agreed amount of %s yet: it is invoiced once accepted.",
                        order.name,
                    )
                )
        # A cancelled invoice frees the order only once its state is in the database.
        self.env["account.move"].flush_model(["state", "production_order_id"])
        moves = self.env["account.move"].create([order._prepare_invoice_vals() for order in self])
        self.write({"state": "invoiced"})
        return moves._get_records_action(name=self.env._("Invoices"))

    def _prepare_invoice_vals(self):
        """The vendor's invoice to the firm: the production-order service at the amount the
        customer accepted, with the vendor's sales VAT on services mapped by the firm's
        fiscal position, and the myDATA type and classification of a service invoice."""
        self.ensure_one()
        line = {
            "name": f"{self.name} – {self.title or self.recommendation_id.name or ''}",
            "quantity": 1.0,
            "price_unit": self.amount_acceptance_id.amount_untaxed,
        }
        return self.env["account.move"]._support_service_invoice_vals(
            self.company_id,
            self.firm_id,
            [(self._get_invoice_product(), line)],
            invoice_origin=self.name,
            ref=self.a1_form_id.name,
            production_order_id=self.id,
        )

    def _get_invoice_product(self):
        product = self.env.ref("certified_support.product_production_order_service", raise_if_not_found=False)
        if not product or not product.active:
            raise UserError(self.env._("The service product of production orders is missing or archived."))
        return product

    # ------------------------------------------------------------------
    # The customer's acceptance of the agreed amount
    # ------------------------------------------------------------------

    def _can_accept_amount(self, user):
        """The customer's own users accept the agreed amount of an accepted order, once."""
        self.ensure_one()
        return (
            not user._is_public()
            and user.commercial_partner_id == self.partner_id
            and self.state == "accepted"
            and self.agreed_amount > 0
            and not self.amount_accepted
        )

    def _accept_agreed_amount(self, partner, ip_address=None):
        """Record the customer's acceptance of the agreed amount (legal evidence, read-only):
        who accepted, who recorded it, when, from where, and the amounts with VAT. Called from
        the portal after the caller checked the user may accept for this order."""
        self.ensure_one()
        try:
            self.lock_for_update()
        except LockError:
            raise UserError(self.env._("This production order is being accepted already.")) from None
        self.invalidate_recordset(["state", "agreed_amount", "amount_acceptance_id"])
        if not self._can_accept_amount(self.env.user):
            raise UserError(self.env._("The agreed amount of this production order cannot be accepted now."))
        company = self.company_id
        fpos = self.env["account.fiscal.position"].with_company(company)._get_fiscal_position(self.firm_id)
        taxes = self.env["account.tax"]._support_service_taxes(company, fpos, self._get_invoice_product())
        totals = taxes.compute_all(self.agreed_amount, currency=self.currency_id)
        acceptance = self.env["support.acceptance"]._record(
            [
                {
                    "request_id": self.a1_form_id.request_id.id,
                    "production_order_id": self.id,
                    "kind": "production",
                    "accepted_by_id": partner.id,
                    "user_id": self.env.user.id,
                    "channel": "portal",
                    "ip_address": ip_address,
                    "accepted_on": fields.Datetime.now(),
                    "description": f"{self.name} – {self.title or ''}"[:NAME_MAX_LENGTH],
                    "currency_id": self.currency_id.id,
                    "amount_untaxed": self.agreed_amount,
                    "amount_tax": totals["total_included"] - totals["total_excluded"],
                    "amount_total": totals["total_included"],
                }
            ]
        )
        self.write({"amount_acceptance_id": acceptance.id})
        self.message_post(
            body=self.env._(
                "%(partner)s accepted the agreed amount %(amount)s: production may start.",
                partner=partner.name,
                amount=self.currency_id.format(self.agreed_amount),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return acceptance

    def _on_invoices_cancelled(self):
        """An order whose invoices are all cancelled or deleted is invoiceable again."""
        back = self.filtered(
            lambda o: o.state == "invoiced" and not o.invoice_ids.filtered(lambda m: m.state != "cancel")
        )
        back.write({"state": "accepted"})

    def action_view_invoices(self):
        return self.invoice_ids._get_records_action(name=self.env._("Invoices"))

    # ------------------------------------------------------------------
    # Letters to the customer (support.letter.mixin)
    # ------------------------------------------------------------------

    def _support_send_state_letters(self):
        """The letter of each order's current state: to complete it in draft, the news otherwise."""
        drafts = self.filtered(lambda order: order.state == "draft")
        drafts._support_post_letter("certified_support.mail_template_production_order_complete")
        (self - drafts)._support_post_letter("certified_support.mail_template_production_order_state")
