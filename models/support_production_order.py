from odoo import api, fields, models
from odoo.exceptions import LockError, UserError
from odoo.fields import Command

from ..input_bounds import LONG_TEXT_MAX_LENGTH, MAX_AMOUNT, NAME_MAX_LENGTH, check_date_window

# What the customer writes in the portal: the specification of the change.
SPECIFICATION_FIELDS = ("title", "current_behaviour", "requested_change", "business_reason", "priority", "deadline_wish")


class SupportProductionOrder(models.Model):
    """ΠΠΥ: the customer's production or support order for an accepted software change or
    hosting extension recommended in a signed A1 Form. Invoiced by the vendor to the firm."""

    _name = "support.production.order"
    _description = "Production or Support Order"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "support.input.guard"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index="trigram")
    a1_form_id = fields.Many2one(
        "support.a1.form", string="A1 Form", required=True, readonly=True, index=True, ondelete="restrict",
    )
    recommendation_id = fields.Many2one(
        "support.a1.recommendation", string="Recommendation", readonly=True, ondelete="restrict",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True,
    )
    technician_id = fields.Many2one(related="a1_form_id.technician_id", string="Technician")
    firm_id = fields.Many2one(
        "res.partner", string="Partner firm", readonly=True, index="btree_not_null",
        help="The technician's firm: the vendor invoices it for the accepted order.",
    )
    kind = fields.Selection(
        [("software", "Software change"), ("hosting", "Hosting extension")], required=True, readonly=True,
    )
    amount = fields.Monetary(
        string="Amount", tracking=True,
        help="What the vendor invoices the technician's firm; the recommendation's estimated cost at first.",
    )

    # The specification, completed by the customer in the portal
    title = fields.Char(tracking=True)
    current_behaviour = fields.Text(string="Current behaviour")
    requested_change = fields.Text(string="Requested change")
    business_reason = fields.Text(string="Business reason")
    priority = fields.Selection(
        [("0", "Normal"), ("1", "High"), ("2", "Urgent")], string="Priority", default="0",
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
        default="draft", required=True, readonly=True, copy=False, index=True, tracking=True,
    )
    submitted_on = fields.Datetime(readonly=True, copy=False)
    invoice_ids = fields.One2many("account.move", "production_order_id", string="Invoices", readonly=True)

    _recommendation_unique = models.Constraint(
        "UNIQUE (recommendation_id)", "A recommendation gives one production order only.",
    )
    _amount_positive = models.Constraint(
        f"CHECK (amount >= 0 AND amount <= {MAX_AMOUNT})", f"The amount must be between 0 and {MAX_AMOUNT}."
    )
    _partner_idx = models.Index("(partner_id, id DESC)")
    _support_text_max_lengths = {
        "title": NAME_MAX_LENGTH,
        "current_behaviour": LONG_TEXT_MAX_LENGTH,
        "requested_change": LONG_TEXT_MAX_LENGTH,
        "business_reason": LONG_TEXT_MAX_LENGTH,
    }

    def _compute_access_url(self):
        super()._compute_access_url()
        for order in self:
            order.access_url = f"/my/production-orders/{order.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Production order %s", self.name).replace("/", "-")

    @api.constrains("deadline_wish")
    def _check_deadline_wish(self):
        check_date_window(self, "deadline_wish")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"]._support_next(
                    "support.production.order", self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                ) or "/"
        return super().create(vals_list)

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
        self._check_state(("draft", "clarification"), self.env._("Only a draft order or one waiting for clarifications can be submitted."))
        for order in self:
            if not (order.title and order.requested_change):
                raise UserError(self.env._("Give the order a title and describe the requested change before submitting it."))
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
        self.write({"state": "clarification"})  # the customer's letter: support_production_order_letters.py
        return True

    def action_accept(self):
        self._check_state(("submitted",), self.env._("Only a submitted order can be accepted."))
        self.write({"state": "accepted"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_cancel(self):
        self._check_state(("draft", "submitted", "clarification", "accepted"), self.env._("An invoiced order cannot be cancelled: cancel its invoice first."))
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
        try:
            self.lock_for_update()
        except LockError:
            raise UserError(self.env._("These production orders are being invoiced by someone else.")) from None
        self.invalidate_recordset(["state"])
        self._check_state(("accepted",), self.env._("Only accepted production orders are invoiced."))
        for order in self:
            if not order.firm_id:
                raise UserError(self.env._("%s has no technician's firm to invoice.", order.name))
        # A cancelled invoice frees the order only once its state is in the database.
        self.env["account.move"].flush_model(["state", "production_order_id"])
        moves = self.env["account.move"].create([order._prepare_invoice_vals() for order in self])
        self.write({"state": "invoiced"})
        return moves._get_records_action(name=self.env._("Invoices"))

    def _prepare_invoice_vals(self):
        self.ensure_one()
        company = self.company_id
        Move = self.env["account.move"]
        fpos = self.env["account.fiscal.position"].with_company(company)._get_fiscal_position(self.firm_id)
        taxes = fpos.map_tax(company.account_sale_tax_id)
        line = {
            "name": "%s – %s" % (self.name, self.title or self.recommendation_id.name or ""),
            "quantity": 1.0,
            "price_unit": self.amount,
            "tax_ids": [Command.set(taxes[:1].ids)],
        }
        line.update(Move._support_service_classification())
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": Move._support_sale_journal(company).id,
            "partner_id": self.firm_id.id,
            "fiscal_position_id": fpos.id,
            "invoice_origin": self.name,
            "ref": self.a1_form_id.name,
            "production_order_id": self.id,
            "invoice_line_ids": [Command.create(line)],
            **Move._support_service_invoice_type(),
        }

    def _on_invoices_cancelled(self):
        """An order whose invoices are all cancelled or deleted is invoiceable again."""
        back = self.filtered(lambda o: o.state == "invoiced" and not o.invoice_ids.filtered(lambda m: m.state != "cancel"))
        back.write({"state": "accepted"})

    def action_view_invoices(self):
        return self.invoice_ids._get_records_action(name=self.env._("Invoices"))
