from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, LockError, UserError, ValidationError
from odoo.fields import Command

from ..input_bounds import MAX_AMOUNT, MYDATA_MARK_LENGTH, check_date_window, is_mydata_mark

ORDER_KINDS = ("software", "hosting")


class SupportA1Form(models.Model):
    """What a signed A1 Form sets in motion: production orders (ΠΠΥ), the hardware notice
    to the technician's firm, and the firm's invoice to the customer."""

    _inherit = "support.a1.form"

    production_order_ids = fields.One2many("support.production.order", "a1_form_id", string="Production orders")
    production_order_count = fields.Integer(compute="_compute_production_order_count")

    # Invoicing: the technician's firm invoices the customer
    firm_company_id = fields.Many2one(
        "res.company",
        string="Firm's company",
        compute="_compute_firm_company_id",
        store=True,
        index="btree_not_null",
        help="The company of this database that is the technician's firm: its accountants invoice the "
        "A1 Form here. Empty when the firm invoices in its own system.",
    )
    invoice_ids = fields.One2many("account.move", "a1_form_id", string="Invoices", readonly=True)
    external_invoice_ref = fields.Char(
        string="Firm's invoice number",
        readonly=True,
        copy=False,
        tracking=True,
        help="The invoice the firm issued in its own system for this A1 Form, recorded from the portal.",
    )
    external_invoice_date = fields.Date(string="Firm's invoice date", readonly=True, copy=False)
    external_invoice_amount = fields.Monetary(string="Firm's invoice amount", readonly=True, copy=False)
    external_invoice_mark = fields.Char(
        string="myDATA MARK",
        size=MYDATA_MARK_LENGTH,
        readonly=True,
        copy=False,
        help="The MARK AADE's myDATA gave the firm's invoice (15 digits), recorded with its number.",
    )
    invoice_status = fields.Selection(
        [("no", "Nothing to invoice"), ("to_invoice", "To invoice"), ("invoiced", "Invoiced")],
        string="Invoice status",
        compute="_compute_invoice_status",
        store=True,
        index=True,
    )

    _external_invoice_amount_positive = models.Constraint(
        "CHECK (external_invoice_amount IS NULL"
        f" OR (external_invoice_amount >= 0 AND external_invoice_amount <= {MAX_AMOUNT}))",
        f"The amount of the firm's invoice must be between 0 and {MAX_AMOUNT}.",
    )

    def _compute_production_order_count(self):
        for form in self:
            form.production_order_count = len(form.production_order_ids)

    @api.depends("firm_id")
    def _compute_firm_company_id(self):
        companies = (
            self.env["res.company"].sudo().search([("partner_id", "in", self.firm_id.ids)])
        )  # which firm is a company of this database
        by_partner = {company.partner_id: company for company in companies}
        for form in self:
            form.firm_company_id = by_partner.get(form.firm_id, False)

    @api.depends("state", "invoice_ids.state", "invoice_ids.move_type", "external_invoice_ref")
    def _compute_invoice_status(self):
        # A corrected form is invoiced no more: its correction is (it left the list to invoice).
        for form in self:
            if form.state != "signed":
                form.invoice_status = "no"
            elif form.external_invoice_ref or form._get_live_invoices():
                form.invoice_status = "invoiced"
            else:
                form.invoice_status = "to_invoice"

    def _get_live_invoices(self):
        """The customer invoices of these forms that count: not cancelled (a credit note that
        reverses one is not an invoice of the form)."""
        return self.invoice_ids.filtered(lambda m: m.move_type == "out_invoice" and m.state != "cancel")

    _external_invoice_mark_digits = models.Constraint(
        f"CHECK (external_invoice_mark IS NULL OR external_invoice_mark ~ '^[0-9]{{{MYDATA_MARK_LENGTH}}}$')",
        "The myDATA MARK is a 15-digit number.",
    )

    @api.constrains("external_invoice_date")
    def _check_external_invoice_date(self):
        check_date_window(self, "external_invoice_date")

    @api.constrains("external_invoice_ref", "external_invoice_mark")
    def _check_external_invoice_mark(self):
        for form in self:
            if form.external_invoice_mark and not is_mydata_mark(form.external_invoice_mark):
                raise ValidationError(self.env._("The myDATA MARK is the 15-digit number myDATA gave the invoice."))
            if form.external_invoice_ref and not form.external_invoice_mark:
                raise ValidationError(self.env._("The firm's invoice is recorded with its myDATA MARK."))

    # ------------------------------------------------------------------
    # Signing: orders and the hardware notice
    # ------------------------------------------------------------------

    def _sign(self, *args, **kwargs):
        result = super()._sign(*args, **kwargs)
        self._create_orders_from_recommendations()
        return result

    def _create_orders_from_recommendations(self):
        """Accepted software/hosting recommendations become ΠΠΥ; hardware ones notify the firm."""
        # Signing is done by the customer from the portal or by staff from a scan; both were
        # checked by the caller. The orders and the notice are the system's, not the signer's.
        forms = self.sudo()
        accepted = forms.recommendation_ids.filtered(lambda r: r.accepted == "yes")
        existing = (
            self.env["support.production.order"]
            .sudo()
            .search(  # system records, see above
                [("recommendation_id", "in", accepted.ids)]
            )
            .recommendation_id
        )
        # Signed again in a correction: the earlier version's order stays the one.
        followed = accepted._support_followed_up()
        to_order = accepted.filtered(lambda r: r.kind in ORDER_KINDS) - existing - followed
        orders = (
            self.env["support.production.order"]
            .sudo()
            .create(
                [  # system records, see above
                    {
                        "a1_form_id": rec.a1_form_id.id,
                        "recommendation_id": rec.id,
                        "company_id": rec.a1_form_id.company_id.id,
                        "partner_id": rec.a1_form_id.partner_id.id,
                        "firm_id": rec.a1_form_id.firm_id.id,
                        "kind": rec.kind,
                        "amount": rec.estimated_cost,
                        "title": rec.name.splitlines()[0][:200] if rec.name else False,
                        "requested_change": rec.name,
                    }
                    for rec in to_order
                ]
            )
        )
        for order in orders:
            order._portal_ensure_token()
            contact = order.a1_form_id.contact_id or order.partner_id
            order.message_subscribe(partner_ids=contact.ids)
            order.message_post(
                body=self.env._(
                    "Created from the accepted recommendation of %s: complete its specification in the portal.",
                    order.a1_form_id.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        forms._note_orders_accepted_again(followed.filtered(lambda r: r.kind in ORDER_KINDS))
        forms._send_hardware_notice()
        others = accepted.filtered(lambda r: r.kind not in ORDER_KINDS + ("hardware",)) - followed
        forms._schedule_recommendation_activities(others)
        return orders

    def _note_orders_accepted_again(self, recommendations):
        """The production department reads on the order that the correction kept it."""
        orders = (
            self.env["support.production.order"]
            .sudo()
            .search(  # system records, see above
                [("recommendation_id", "in", recommendations.origin_id._support_lineage().ids)]
            )
        )
        for rec in recommendations:
            for order in orders.filtered(lambda o, rec=rec: o.recommendation_id in rec.origin_id._support_lineage()):
                order.message_post(
                    body=self.env._(
                        "Accepted again in %(correction)s, the correction of %(form)s: no new order, this one stays.",
                        correction=rec.a1_form_id.name,
                        form=order.a1_form_id.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def _get_firm_managers(self):
        """The portal users who manage the technician's firm."""
        self.ensure_one()
        group = self.env.ref("certified_support.group_support_firm_manager")
        return group.sudo().all_user_ids.filtered(  # who manages the firm, for the notice
            lambda u: u.active and u.partner_id.commercial_partner_id == self.firm_id
        )

    def _send_hardware_notice(self):
        """The firm's managers are told the accepted hardware recommendations (once: not again
        for a correction); without a manager to tell, the account manager follows them up."""
        template = self.env.ref("certified_support.mail_template_a1_hardware_notice")
        for form in self:
            hardware = form._get_hardware_recommendations()
            if not hardware:
                continue
            managers = form._get_firm_managers()
            if not managers:
                form._schedule_recommendation_activities(hardware)
                continue
            template.sudo().send_mail(  # a system notice to the firm's managers
                form.id,
                email_values={"recipient_ids": [Command.link(p.id) for p in managers.partner_id]},
            )

    def _get_hardware_recommendations(self):
        """The hardware recommendations accepted in this form that were not notified before
        (accepted already in the form it corrects)."""
        accepted = self.recommendation_ids.filtered(lambda r: r.kind == "hardware" and r.accepted == "yes")
        return accepted - accepted._support_followed_up()

    def _schedule_recommendation_activities(self, recommendations):
        """Accepted recommendations no procedure takes over: a to-do for the account manager."""
        # From the portal the customer signs; the activity is staff's: without an account manager, the admin's.
        fallback = self.env.ref("base.user_admin") if self.env.user.share else self.env.user
        for form in recommendations.a1_form_id:
            user = form.request_id.user_id or fallback
            recs = recommendations.filtered(lambda r, form=form: r.a1_form_id == form)
            form = form.with_context(lang=user.lang)  # the assignee's language
            items = Markup().join(
                Markup("<li>%s (%s)</li>")
                % (
                    rec.name,
                    form.env._("estimated cost %s", rec.currency_id.format(rec.estimated_cost)),
                )
                for rec in recs
            )
            form.sudo().activity_schedule(  # the system's follow-up of the customer's acceptance
                "certified_support.mail_activity_a1_recommendation",
                user_id=user.id,
                note=Markup("<p>%s</p><ul>%s</ul>")
                % (
                    form.env._(
                        "%s accepted these recommendations: agree with the customer what follows.", form.partner_id.name
                    ),
                    items,
                ),
            )

    def action_view_production_orders(self):
        return self.production_order_ids._get_records_action(name=self.env._("Production orders"))

    # ------------------------------------------------------------------
    # Invoicing in the firm's company
    # ------------------------------------------------------------------

    def action_create_invoices(self):
        """One customer invoice per A1 Form, in the firm's company, to the customer.

        Invoiced once: the forms are locked and re-checked, and a unique partial index on
        account.move(a1_form_id) refuses a second live invoice at the database level.
        """
        if not self:
            return True
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only accountants create invoices from A1 Forms."))
        self.check_access("read")
        try:
            self.lock_for_update()
        except LockError:
            raise UserError(self.env._("These A1 Forms are being invoiced by someone else.")) from None
        self.invalidate_recordset(["state", "invoice_status", "external_invoice_ref"])
        for form in self:
            if form.invoice_status != "to_invoice":
                raise UserError(self.env._("%s is not a signed A1 Form waiting for its invoice.", form.name))
            if not form.firm_company_id:
                raise UserError(
                    self.env._(
                        "The firm of %s is not a company of this database: it records its own invoice from the portal.",
                        form.name,
                    )
                )
            if form.firm_company_id not in self.env.user.company_ids:
                raise AccessError(self.env._("You cannot invoice for %s.", form.firm_company_id.name))
        moves = self._create_firm_invoices()
        return moves._get_records_action(name=self.env._("Invoices"))

    def _create_firm_invoices(self):
        """The customer invoices of these forms in the firm's company (the callers checked
        who invoices and that the forms are waiting for their invoice)."""
        # The firm's accountant may read the A1 Form, not the vendor's lines and taxes it holds.
        vals_list = [form.sudo()._prepare_firm_invoice_vals() for form in self]
        # A cancelled invoice frees the A1 Form only once its state is in the database.
        self.env["account.move"].flush_model(["state", "a1_form_id"])
        return (
            self.env["account.move"]
            .with_context(allowed_company_ids=self.firm_company_id.ids + self.env.companies.ids)
            .create(vals_list)
        )

    def _prepare_firm_invoice_vals(self):
        """The firm's invoice of the services the customer signed for: each line with the firm
        company's sales VAT on services (never a goods tax), mapped by the customer's fiscal
        position, and the myDATA type and income classification of a service invoice."""
        self.ensure_one()
        company = self.firm_company_id
        Move = self.env["account.move"]
        Tax = self.env["account.tax"]
        fpos = self.env["account.fiscal.position"].with_company(company)._get_fiscal_position(self.partner_id)
        mydata = Move._support_mydata_vals(company, self.partner_id)
        lines = []
        for line in self.line_ids:
            taxes = fpos.map_tax(Tax._support_service_sale_tax(company, line.product_id))
            lines.append(
                Command.create(
                    {
                        "product_id": line.product_id.id,
                        "name": line.name,
                        "quantity": line.quantity,
                        "price_unit": line.price_unit,
                        "tax_ids": [Command.set(taxes[:1].ids)],  # myDATA: one VAT per line
                        **Move._support_mydata_line_vals(mydata, fpos, line.product_id),
                    }
                )
            )
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": Move.with_company(company)._support_sale_journal(company).id,
            "partner_id": self.partner_id.id,
            "fiscal_position_id": fpos.id,
            "currency_id": self.currency_id.id,
            "invoice_origin": self.name,
            "ref": self.name,
            "narration": self.env._(
                "A1 Form %(form)s, technician %(technician)s.", form=self.name, technician=self.technician_id.name
            )
            + (
                " " + self.env._("It corrects A1 Form %s.", self.correction_of_id.name) if self.correction_of_id else ""
            ),
            "a1_form_id": self.id,
            "invoice_line_ids": lines,
            **mydata,
        }

    # ------------------------------------------------------------------
    # Corrections: the correction is invoiced instead of the form it corrects
    # ------------------------------------------------------------------

    def _supersede_original(self):
        original = super()._supersede_original()
        if original:
            self._take_over_invoicing(original)
        return original

    def _take_over_invoicing(self, original):
        """The meeting is billed once: when the corrected form was invoiced here, its invoice
        is cancelled (a draft) or reversed with Odoo's credit note (posted), and this signed
        correction is invoiced as the original was, in the firm's company."""
        self.ensure_one()
        # The system's accounting follows the customer's signature (online or scan), which the
        # callers of _sign checked; neither the customer nor the account manager keeps the books.
        correction, original = self.sudo(), original.sudo()
        if original.external_invoice_ref:
            correction.message_post(
                body=self.env._(
                    "%(form)s was invoiced by the firm in its own system (invoice %(ref)s): the firm credits that "
                    "invoice there and records its invoice of this correction.",
                    form=original.name,
                    ref=original.external_invoice_ref,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        invoices = original._get_live_invoices()
        if not invoices:
            return
        drafts = invoices.filtered(lambda m: m.state == "draft")
        drafts.button_cancel()
        credit_notes = correction._reverse_invoices(
            invoices.filtered(lambda m: m.state == "posted" and m.payment_state != "reversed")
        )
        new_invoices = correction._create_firm_invoices() if correction.firm_company_id else invoices.browse()
        original.message_post(
            body=self.env._(
                "Corrected by %(correction)s: its invoice %(invoices)s is cancelled or reversed by the credit note "
                "%(credit_notes)s, and the correction is invoiced instead.",
                correction=correction.name,
                invoices=", ".join(invoices.mapped("display_name")),
                credit_notes=", ".join(credit_notes.mapped("name")) or "-",
            ),
            subtype_xmlid="mail.mt_note",
        )
        # The accountant who invoiced the original checks and posts the invoice of the correction.
        accountant = invoices[:1].create_uid
        if accountant.active and accountant.has_group("account.group_account_invoice"):
            for move in new_invoices:
                move.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=accountant.id,
                    summary=self.with_context(lang=accountant.lang).env._(
                        "Post the invoice of the correction %s", correction.name
                    ),
                )

    def _reverse_invoices(self, invoices):
        """Odoo's full reversal (as the "Credit Note" wizard with "Full refund"): a posted credit
        note per invoice, reconciled with it, linked by ``reversed_entry_id`` and to the form."""
        self.ensure_one()
        credit_notes = self.env["account.move"]
        today = fields.Date.context_today(self)
        for move in invoices:
            lang = move.partner_id.lang or self.env.lang
            ref = self.with_context(lang=lang).env._(
                "Reversal of: %(invoice)s, A1 Form %(form)s corrected by %(correction)s",
                invoice=move.name,
                form=move.a1_form_id.name,
                correction=self.name,
            )
            credit_note = move.with_company(move.company_id)._reverse_moves(
                [
                    {
                        "ref": ref,
                        "date": today,
                        "invoice_date": today,
                        "invoice_date_due": today,
                        "journal_id": move.journal_id.id,
                        "invoice_user_id": move.invoice_user_id.id,
                        "invoice_origin": move.invoice_origin,
                        "a1_form_id": move.a1_form_id.id,
                        "auto_post": "no",
                    }
                ],
                cancel=True,
            )
            move._message_log(
                body=self.env._(
                    "Reversed by %(credit_note)s: A1 Form %(form)s was corrected by %(correction)s.",
                    credit_note=credit_note.name,
                    form=move.a1_form_id.name,
                    correction=self.name,
                )
            )
            credit_notes |= credit_note
        return credit_notes

    # ------------------------------------------------------------------
    # The firm's own invoice, recorded from the portal
    # ------------------------------------------------------------------

    def _record_external_invoice(self, ref, date, amount, mark):
        """The firm manager records the invoice the firm issued elsewhere (called as sudo from
        the portal after the caller checked that the user manages this A1 Form's firm)."""
        self.ensure_one()
        date = fields.Date.to_date(date) if date else False
        try:
            self.lock_for_update()
        except LockError:
            raise UserError(self.env._("This A1 Form is being invoiced already.")) from None
        self.invalidate_recordset(["state", "invoice_status", "external_invoice_ref"])
        if self.invoice_status != "to_invoice":
            raise UserError(self.env._("%s is not a signed A1 Form waiting for its invoice.", self.name))
        if self.firm_company_id:
            raise UserError(self.env._("This firm invoices A1 Forms in this database."))
        if not (ref or "").strip() or not date or amount is None or amount < 0:
            raise UserError(self.env._("Enter the number, the date and the amount of the invoice."))
        mark = (mark or "").replace(" ", "")
        if not is_mydata_mark(mark):
            raise UserError(self.env._("Enter the myDATA MARK of the invoice: the 15-digit number myDATA gave it."))
        # Not a locked field: recording the invoice does not change what the customer signed.
        self.write(
            {
                "external_invoice_ref": ref.strip()[:64],
                "external_invoice_date": date,
                "external_invoice_amount": amount,
                "external_invoice_mark": mark,
            }
        )
        self.message_post(
            body=self.env._(
                "Invoiced by the firm: invoice %(ref)s of %(date)s, myDATA MARK %(mark)s.",
                ref=self.external_invoice_ref,
                date=fields.Date.to_string(date),
                mark=mark,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True
