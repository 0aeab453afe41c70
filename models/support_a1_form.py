import base64
import hashlib

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, LockError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..input_bounds import (
    INVOICE_REF_MAX_LENGTH,
    MAX_A1_FILES,
    MAX_AMOUNT,
    MAX_MEETING_HOURS,
    MYDATA_MARK_LENGTH,
    NAME_MAX_LENGTH,
    SIGNATURE_MIMETYPES,
    check_date_window,
    is_mydata_mark,
)
from .support_acceptance import SERVICE_KINDS

# A signed A1 Form stays what the customer signed; once corrected, it is superseded, not changed.
LOCKED_STATES = ("signed", "corrected")
# All that may still change on a signed A1 Form: its portal link, its followers and its to-dos.
# What the customer signed, the evidence of the signature, the number and the invoicing are
# written by the procedure only (see write()), whatever the role and the context.
MUTABLE_WHEN_SIGNED = {"access_token", "message_follower_ids", "activity_ids"}
# The evidence of the customer's signature, written by _sign() only.
SIGNATURE_FIELDS = {
    "signature",
    "signed_by",
    "signed_on",
    "signed_ip",
    "signed_how",
    "signed_pdf_id",
    "signed_pdf_sha256",
}
# Computed by the system (section Invoicing), never written.
SYSTEM_FIELDS = {"invoice_status", "firm_company_id"}
# The firm's own invoice, recorded once on a signed form (_record_external_invoice()).
EXTERNAL_INVOICE_FIELDS = {
    "external_invoice_ref",
    "external_invoice_date",
    "external_invoice_amount",
    "external_invoice_mark",
}
# Who finished the form in the Technical Diary, and when: the technician's signature on the
# A1 Form. Written by action_file() only, together with the move from Draft to Filed.
FILING_FIELDS = {"filed_by_id", "filed_on"}
# The state changes write() accepts; each action checks its own conditions first.
TRANSITIONS = {
    ("draft", "filed"),
    ("draft", "cancelled"),
    ("filed", "cancelled"),
    ("filed", "signed"),
    ("signed", "corrected"),
}

ORDER_KINDS = ("software", "hosting")

# A filed A1 Form still unsigned after this many working days: one reminder to the customer.
SIGN_REMINDER_WORKING_DAYS = 2
# ... and after this many, the account manager is asked to follow it up.
SIGN_ESCALATION_WORKING_DAYS = 5


class SupportA1Form(models.Model):
    """The technician's report of a meeting, signed by the customer (step 7).

    * The document: the technician's signature (who filed it, when), the amounts the
      customer accepted beside the ones delivered, photos and files of the meeting.
    * Signing: the evidence of the customer's signature, corrections that supersede a
      signed form, and what the signature sets in motion (the rating request, production
      orders, the hardware notice to the technician's firm).
    * Invoicing: the technician's firm invoices the customer, in its company of this
      database or in its own system (recorded from the portal).
    * Letters (``support.letter.mixin``): "ready to sign" when filed, one reminder 2
      working days later if still unsigned, and the account manager's activity after 5
      working days (company calendar, Greek public holidays skipped).

    The state machine is this model's: ``state`` is written only by action_file(),
    action_cancel(), _sign() and _supersede_original(), as ``TRANSITIONS`` allows."""

    _name = "support.a1.form"
    _description = "A1 Form"
    _inherit = ["portal.mixin", "support.document", "support.input.guard", "support.letter.mixin"]

    request_id = fields.Many2one(
        "support.request",
        string="Request",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('technician_id', '!=', False)]",
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True, precompute=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        related="request_id.partner_id",
        store=True,
        index=True,
        precompute=True,
        string="Customer",
        readonly=True,
    )
    contact_id = fields.Many2one(related="request_id.contact_id", string="Contact person")
    technician_id = fields.Many2one(
        related="request_id.technician_id",
        store=True,
        index="btree_not_null",
        precompute=True,
        string="Technician",
        readonly=True,
    )
    firm_id = fields.Many2one(
        related="request_id.firm_id",
        store=True,
        index="btree_not_null",
        precompute=True,
        string="Partner firm",
        readonly=True,
    )
    date_start = fields.Datetime(string="Start", tracking=True, help="When the meeting started.")
    date_end = fields.Datetime(string="End", tracking=True, help="When the meeting ended.")
    duration = fields.Float(
        compute="_compute_duration",
        store=True,
        help="Hours between the start and the end of the meeting.",
    )
    line_ids = fields.One2many(
        "support.a1.form.line",
        "a1_form_id",
        string="Services given",
        copy=True,
    )
    note = fields.Html(string="Notes")
    recommendation_ids = fields.One2many(
        "support.a1.recommendation",
        "a1_form_id",
        string="Recommendations",
        copy=True,
    )
    amount_untaxed = fields.Monetary(string="Untaxed Amount", compute="_compute_amounts", store=True)
    amount_tax = fields.Monetary(string="VAT", compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(string="Total", compute="_compute_amounts", store=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("filed", "Filed"),
            ("signed", "Signed"),
            ("corrected", "Corrected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Corrected: a correction signed by the customer replaces this A1 Form, which is kept as it was signed.",
    )
    correction_of_id = fields.Many2one(
        "support.a1.form",
        string="Corrects",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The signed A1 Form this one corrects: it becomes Corrected when the customer signs this one.",
    )
    correction_ids = fields.One2many("support.a1.form", "correction_of_id", string="Corrections", readonly=True)
    has_pending_correction = fields.Boolean(
        string="Correction in progress",
        compute="_compute_has_pending_correction",
        help="A correction of this signed A1 Form is drafted or waiting for the customer's signature: once "
        "signed, it replaces this form (and its invoice).",
    )

    # Evidence of the customer's acceptance (simple electronic signature under eIDAS)
    signature = fields.Image(readonly=True, copy=False, attachment=True, max_width=1024, max_height=1024)
    signed_by = fields.Char(string="Signed by", readonly=True, copy=False)
    signed_on = fields.Datetime(string="Signed on", readonly=True, copy=False)
    signed_ip = fields.Char(string="Signed from IP", readonly=True, copy=False)
    signed_how = fields.Selection(
        [("portal", "Online in the portal"), ("scan", "Signed scan")],
        string="Signed how",
        readonly=True,
        copy=False,
    )
    signed_pdf_id = fields.Many2one("ir.attachment", string="Signed PDF", readonly=True, copy=False)
    signed_pdf_sha256 = fields.Char(
        string="SHA-256 of the signed PDF",
        readonly=True,
        copy=False,
        help="Proves that the stored signed PDF is the one the customer signed.",
    )

    # The technician's signature, and the amounts accepted beside the ones delivered
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

    # Photos and files of the meeting, added until the customer signs (see ir_attachment.py and write())
    file_ids = fields.Many2many(
        "ir.attachment",
        "support_a1_form_file_rel",
        "a1_form_id",
        "attachment_id",
        string="Photos and files",
        copy=False,
        readonly=True,
        help="Photos and files the technician attached in the Technical Diary (images and PDF).",
    )

    # Letters: the signature reminder and the account manager's follow-up
    sign_reminder_sent_on = fields.Datetime(
        string="Signature reminder sent on",
        readonly=True,
        copy=False,
        help="The one reminder sent to the customer when the form was still unsigned 2 working days after filing.",
    )
    sign_escalated_on = fields.Datetime(
        string="Unsigned, account manager told on",
        readonly=True,
        copy=False,
        help="When the account manager was given an activity because the form was still unsigned 5 working "
        "days after filing.",
    )

    # What a signed A1 Form sets in motion: production orders (ΠΠΥ)
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

    _partner_idx = models.Index("(partner_id, id DESC)")
    _support_text_max_lengths = {"signed_by": NAME_MAX_LENGTH, "external_invoice_ref": INVOICE_REF_MAX_LENGTH}
    # the daily reminder cron reads the filed forms only
    _filed_on_idx = models.Index("(filed_on) WHERE state = 'filed'")
    _external_invoice_amount_positive = models.Constraint(
        "CHECK (external_invoice_amount IS NULL"
        f" OR (external_invoice_amount >= 0 AND external_invoice_amount <= {MAX_AMOUNT}))",
        f"The amount of the firm's invoice must be between 0 and {MAX_AMOUNT}.",
    )
    _external_invoice_mark_digits = models.Constraint(
        f"CHECK (external_invoice_mark IS NULL OR external_invoice_mark ~ '^[0-9]{{{MYDATA_MARK_LENGTH}}}$')",
        "The myDATA MARK is a 15-digit number.",
    )

    @api.depends("date_start", "date_end")
    def _compute_duration(self):
        for form in self:
            if form.date_start and form.date_end and form.date_end > form.date_start:
                form.duration = (form.date_end - form.date_start).total_seconds() / 3600
            else:
                form.duration = 0.0

    @api.depends("correction_ids.state")
    def _compute_has_pending_correction(self):
        for form in self:
            form.has_pending_correction = any(c.state in ("draft", "filed") for c in form.correction_ids)

    @api.depends("line_ids.price_subtotal", "line_ids.price_total")
    def _compute_amounts(self):
        for form in self:
            form.amount_untaxed = sum(form.line_ids.mapped("price_subtotal"))
            form.amount_total = sum(form.line_ids.mapped("price_total"))
            form.amount_tax = form.amount_total - form.amount_untaxed

    @api.depends("request_id.acceptance_ids.state", "request_id.acceptance_ids.amount_total", "amount_total")
    def _compute_accepted_amounts(self):
        # The acceptances of the form's own request, for whoever may read the form (an
        # accountant or a portal user reads no acceptance record).
        for form in self:
            # sudo: the request's acceptances for whoever may read the form (accountants, portal users)
            acceptances = form.request_id.sudo().acceptance_ids._filter_valid(SERVICE_KINDS)
            form.accepted_amount_untaxed = sum(acceptances.mapped("amount_untaxed"))
            form.accepted_amount_tax = sum(acceptances.mapped("amount_tax"))
            form.accepted_amount_total = sum(acceptances.mapped("amount_total"))
            form.amount_difference = form.amount_total - form.accepted_amount_total

    def _compute_production_order_count(self):
        for form in self:
            form.production_order_count = len(form.production_order_ids)

    @api.depends("firm_id")
    def _compute_firm_company_id(self):
        companies = (
            # sudo: which firm is a company of this database, whoever reads the form
            self.env["res.company"].sudo().search([("partner_id", "in", self.firm_id.ids)])
        )
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

    def _compute_access_url(self):  # pylint: disable=missing-return  # a compute returns nothing
        super()._compute_access_url()
        for form in self:
            form.access_url = f"/my/a1/{form.id}"

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("A1 Form %s", self.name).replace("/", "-")

    @api.constrains("date_start", "date_end", "signed_on")
    def _check_dates(self):
        check_date_window(self, "date_start", "date_end", "signed_on")
        for form in self:
            if form.date_start and form.date_end and form.date_end <= form.date_start:
                raise ValidationError(self.env._("The meeting must end after it starts."))
            if (
                form.date_start
                and form.date_end
                and ((form.date_end - form.date_start).total_seconds() > MAX_MEETING_HOURS * 3600)
            ):
                raise ValidationError(
                    self.env._(
                        "A meeting lasts %(hours)s hours at most: check when it started and ended.",
                        hours=MAX_MEETING_HOURS,
                    )
                )

    @api.constrains("signature")
    def _check_signature(self):
        for form in self.filtered("signature"):
            if guess_mimetype(base64.b64decode(form.signature), default="") not in SIGNATURE_MIMETYPES:
                raise ValidationError(self.env._("The signature must be a PNG or JPEG image."))

    @api.constrains("state", "signed_on", "signed_pdf_id", "signed_pdf_sha256")
    def _check_signature_evidence(self):
        """A signed form carries its evidence: who and when, and the stored document with its hash."""
        integrity = self._check_signature_integrity()
        for form in self.filtered(lambda f: f.state in LOCKED_STATES):
            if not (form.signed_by and form.signed_on and form.signed_how and integrity[form.id]):
                raise ValidationError(
                    self.env._(
                        "%s cannot be signed without the signed document, its SHA-256 and who signed it when.",
                        form.name,
                    )
                )

    @api.constrains("file_ids")
    def _check_file_count(self):
        for form in self:
            if len(form.file_ids) > MAX_A1_FILES:
                raise ValidationError(
                    self.env._("An A1 Form holds %(max)s photos and files at most.", max=MAX_A1_FILES)
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

    @api.onchange("request_id")
    def _onchange_request_id(self):
        if self.request_id and not self.line_ids:
            self.line_ids = self.request_id._prepare_a1_line_commands()

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get(name) for vals in vals_list for name in FILING_FIELDS):
            raise UserError(self.env._("Who filed an A1 Form and when are recorded when it is filed."))
        for vals in vals_list:
            # Created as a draft, without evidence or invoice: those come from the procedure.
            given = {name for name in SIGNATURE_FIELDS | SYSTEM_FIELDS | EXTERNAL_INVOICE_FIELDS if vals.get(name)}
            if vals.get("state", "draft") != "draft" or given:
                raise UserError(
                    self.env._(
                        "An A1 Form is created as a draft; it is signed by the customer and invoiced afterwards."
                    )
                )
            if vals.get("correction_of_id"):
                self.browse(vals["correction_of_id"])._check_can_be_corrected()
            if "line_ids" not in vals and vals.get("request_id"):
                request = self.env["support.request"].browse(vals["request_id"])
                vals["line_ids"] = request._prepare_a1_line_commands()
        return super().create(vals_list)

    @api.model
    def _support_document_company(self, vals):
        # the sequence of its request's company, the company it takes
        request = self.env["support.request"].browse(vals.get("request_id"))
        return request.company_id or super()._support_document_company(vals)

    def write(self, vals):
        self._check_write(vals)
        return super().write(vals)

    def _check_write(self, vals):
        """What a write may change. Decided on the records' data only, never on the caller's
        context: a signed A1 Form is refused to every role, the superuser included."""
        self._check_write_procedure(vals)
        self._check_write_filing(vals)

    def _check_write_procedure(self, vals):
        """What only the procedure writes: the computed fields, which form a correction
        corrects, the state (``TRANSITIONS``), the firm's invoice and a signed form."""
        names = set(vals)
        if names & SYSTEM_FIELDS:
            raise UserError(self.env._("The invoice status and the firm's company of an A1 Form are computed."))
        for form in self:
            if "correction_of_id" in vals and form.correction_of_id.id != (vals["correction_of_id"] or False):
                raise UserError(
                    self.env._("Which A1 Form a correction corrects is set when the correction is created.")
                )
            if "request_id" in vals and form.correction_of_id and form.request_id.id != vals["request_id"]:
                raise UserError(self.env._("A correction is about the meeting of the A1 Form it corrects."))
        if "state" in vals:
            self._check_state_change(vals["state"])
        if names & EXTERNAL_INVOICE_FIELDS:
            if names <= MUTABLE_WHEN_SIGNED | EXTERNAL_INVOICE_FIELDS and self._can_record_external_invoice(vals):
                return
            raise UserError(
                self.env._(
                    "The firm's invoice is recorded once, on a signed A1 Form waiting for it, when the firm does not "
                    "invoice in this database."
                )
            )
        locked = self.filtered(lambda f: f.state in LOCKED_STATES)
        if not locked or names <= MUTABLE_WHEN_SIGNED:
            return
        if vals == {"state": "corrected"}:
            return  # checked by _check_state_change: a signed correction replaces it
        locked._check_not_signed()

    def _check_write_filing(self, vals):
        """Who filed the form and when are written with the move from Draft to Filed only."""
        if FILING_FIELDS & set(vals) and not (
            vals.get("state") == "filed" and all(form.state == "draft" for form in self)
        ):
            raise UserError(self.env._("Who filed an A1 Form and when are recorded when it is filed."))

    def _check_state_change(self, state):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for form in self:
            if form.state == state:
                continue
            if (form.state, state) not in TRANSITIONS:
                raise UserError(
                    self.env._(
                        "%(form)s cannot go from %(old)s to %(new)s.",
                        form=form.name,
                        old=labels.get(form.state),
                        new=labels.get(state, state),
                    )
                )
            # the data decides, whoever writes: read as the system
            if state == "corrected" and not form.sudo().correction_ids.filtered(lambda c: c.state == "signed"):
                raise UserError(
                    self.env._("%s becomes Corrected only when the customer signs its correction.", form.name)
                )

    def _can_record_external_invoice(self, vals):
        """The firm's own invoice is recorded once, on a signed form waiting for its invoice,
        when the firm does not invoice in this database."""
        return (
            bool((vals.get("external_invoice_ref") or "").strip())
            and bool(vals.get("external_invoice_mark"))
            and all(
                form.state == "signed"
                and not form.external_invoice_ref
                and form.invoice_status == "to_invoice"
                and not form.firm_company_id
                for form in self
            )
        )

    @api.ondelete(at_uninstall=True)
    def _unlink_only_drafts(self):
        if self._support_uninstalling():
            return
        if any(form.state not in ("draft", "cancelled") or form.signed_on for form in self):
            raise UserError(
                self.env._("Only a draft A1 Form can be deleted; a filed or signed one is kept as evidence.")
            )

    @api.model
    def _support_uninstalling(self):
        """This module is being uninstalled: only then may its evidence go with it.
        The uninstall flag of the context alone is the caller's input: the module's state decides."""
        return bool(self.env.context.get(MODULE_UNINSTALL_FLAG)) and bool(
            self.env["ir.module.module"]
            # sudo: the module's state, whoever deletes
            .sudo()
            .search_count([("name", "=", "certified_support"), ("state", "=", "to remove")])
        )

    def _check_not_signed(self):
        signed = self.filtered(lambda f: f.state in LOCKED_STATES)
        if signed:
            raise UserError(
                self.env._(
                    "%(forms)s is signed by the customer and cannot be changed. Create a correction instead.",
                    forms=", ".join(signed.mapped("name")),
                )
            )

    def _check_can_be_corrected(self):
        """A signed form, with no other correction under way (one correction at a time)."""
        for form in self.sudo():  # the corrections in progress, whoever starts one
            if form.state != "signed":
                raise UserError(self.env._("Only a signed A1 Form is corrected with a new one."))
            pending = form.correction_ids.filtered(lambda c: c.state in ("draft", "filed"))
            if pending:
                raise UserError(
                    self.env._(
                        "%(form)s is being corrected already by %(correction)s: complete or cancel that correction.",
                        form=form.name,
                        correction=pending[0].name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_file(self):
        for form in self:
            if form.state != "draft":
                raise UserError(self.env._("Only a draft A1 Form can be filed."))
            if not form.date_start or not form.date_end:
                raise UserError(self.env._("Enter when the meeting started and ended."))
            if not form.line_ids:
                raise UserError(self.env._("An A1 Form needs at least one service given."))
        # The technician's signature: the logged-in author who finishes the form, and when.
        self.write({"state": "filed", "filed_by_id": self.env.user.id, "filed_on": fields.Datetime.now()})
        visited = self.request_id._action_done()
        self._done_meeting_activities(visited)
        for form in self:
            form._portal_ensure_token()
        # The customer's letter; filed_on is recorded: the working days to sign count from then.
        self._support_post_letter("certified_support.mail_template_a1_ready_to_sign")
        return True

    def _done_meeting_activities(self, requests):
        """The calendar gave the account manager a "Meeting" activity on each request it
        booked; the filed A1 Form is the record of that meeting: the activity is done, with
        the form as its feedback, and leaves the to-do list."""
        for form in self.filtered(lambda f: f.request_id in requests):
            request = form.request_id.sudo()  # the technician files from the portal; the activity is staff's
            request.activity_ids.filtered(
                lambda activity, request=request: activity.calendar_event_id
                and activity.calendar_event_id == request.event_id
            ).action_feedback(feedback=self.env._("A1 Form %s filed.", form.name))

    def action_cancel(self):
        self._check_not_signed()
        self.write({"state": "cancelled"})
        return True

    def action_correct(self):
        self.ensure_one()
        self._check_can_be_corrected()
        # Each recommendation is copied with the one it comes from: what followed its acceptance
        # (production order, notice, activity) is not done again when the correction is signed.
        recommendations = self.recommendation_ids
        correction = self.copy(
            {
                "correction_of_id": self.id,
                "recommendation_ids": [
                    Command.create({**vals, "origin_id": rec.id})
                    for rec, vals in zip(recommendations, recommendations.copy_data(), strict=True)
                ],
            }
        )
        self.message_post(
            body=self.env._(
                "Correction %s drafted: it replaces this A1 Form once the customer signs it.", correction.name
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": correction.id,
            "view_mode": "form",
        }

    def action_open_scan_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record signed scan"),
            "res_model": "support.a1.scan",
            "view_mode": "form",
            "target": "new",
            "context": {"default_a1_form_id": self.id},
        }

    def action_print(self):
        signed = self.filtered(lambda f: f.state in LOCKED_STATES and f.signed_pdf_id)
        if len(self) == 1 and signed:
            # The document the customer signed, as stored with its hash, not a new rendering.
            return {
                "type": "ir.actions.act_url",
                "url": f"/web/content/{signed.signed_pdf_id.id}?download=true",
                "target": "self",
            }
        # data={}: the web client treats it as no data, and an XML-RPC client cannot receive None.
        return self.env.ref("certified_support.action_report_support_a1_form").report_action(self, data={})

    def action_verify_signature(self):
        """The Verify button: is the stored signed document the one the customer signed?"""
        self.ensure_one()
        if self.state not in LOCKED_STATES:
            raise UserError(self.env._("%s is not signed yet: there is nothing to verify.", self.name))
        if self._check_signature_integrity()[self.id]:
            kind, title = "success", self.env._("Signature intact")
            message = self.env._(
                "The stored signed document of %(form)s matches the SHA-256 recorded when %(signer)s signed it.",
                form=self.name,
                signer=self.signed_by,
            )
        else:
            kind, title = "danger", self.env._("Signature NOT intact")
            message = self.env._(
                "The stored signed document of %s is missing or does not match the SHA-256 recorded at signing: "
                "it is not the document the customer signed.",
                self.name,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind, "sticky": kind == "danger"},
        }

    # ------------------------------------------------------------------
    # Signing
    # ------------------------------------------------------------------

    def _sign(
        self, signed_by, how, signed_on=None, ip_address=None, signature=None, accepted_recommendations=None, pdf=None
    ):
        """Record the customer's acceptance and lock the form, then what the signature sets
        in motion, in this order:

        1. the evidence of the signature and the move to Signed (``_sign_record_evidence``);
        2. a signed correction supersedes the form it corrects and takes over its invoicing
           (``_supersede_original``);
        3. the rating request to the customer, step 8 (``_sign_request_rating``);
        4. production orders for the accepted recommendations, the hardware notice to the
           firm and the account manager's activities (``_create_orders_from_recommendations``).
        """
        self.ensure_one()
        self._sign_record_evidence(signed_by, how, signed_on, ip_address, signature, accepted_recommendations, pdf)
        self._supersede_original()
        self._sign_request_rating()
        self._create_orders_from_recommendations()
        return True

    def _sign_record_evidence(self, signed_by, how, signed_on, ip_address, signature, accepted_recommendations, pdf):
        """The customer's acceptance, and the form locked.

        Online: the PDF is rendered with the signature; scan: ``pdf`` is the scanned page.
        Its SHA-256 is kept with the attachment as evidence.
        """
        self.ensure_one()
        if self.state != "filed":
            raise UserError(self.env._("Only a filed A1 Form can be signed."))
        self._check_original_still_signed()
        if accepted_recommendations is not None:
            accepted = accepted_recommendations & self.recommendation_ids
            accepted.write({"accepted": "yes"})
            (self.recommendation_ids - accepted).write({"accepted": "no"})
        self.write(
            {
                "signed_by": signed_by,
                "signed_on": signed_on or fields.Datetime.now(),
                "signed_ip": ip_address,
                "signed_how": how,
                "signature": signature,
            }
        )
        if pdf is None:
            self.env.flush_all()  # the report reads the signature from the database
            # sudo: the signer (a portal customer) may not read the report action; the
            # caller checked that this form is theirs to sign.
            pdf = (
                self.env["ir.actions.report"]
                # sudo: the signer may not read the report action; the caller checked the form is theirs
                .sudo()
                ._render_qweb_pdf("certified_support.action_report_support_a1_form", self.ids)[0]
            )
        attachment = (
            self.env["ir.attachment"]
            # as the system: the signed PDF is evidence it keeps, not a file the signer (a portal
            # user) uploads, which the portal's upload limits would check
            .with_user(SUPERUSER_ID)
            .create(
                {
                    "name": self.env._("%s - signed.pdf", self._get_report_base_filename()),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self.write(
            {
                "state": "signed",
                "signed_pdf_id": attachment.id,
                "signed_pdf_sha256": hashlib.sha256(pdf).hexdigest(),
            }
        )
        self.message_post(
            body=self.env._(
                "Signed by %(name)s (%(how)s).",
                name=signed_by,
                how=dict(self._fields["signed_how"]._description_selection(self.env))[how],
            ),
            attachment_ids=attachment.ids,
            subtype_xmlid="mail.mt_note",
        )

    def _sign_request_rating(self):
        """Step 8 starts when the customer signs: the rating request goes out. A correction
        is the same meeting: the customer was asked to rate it already."""
        self.filtered(lambda f: not f.correction_of_id).request_id._support_send_rating_request()

    def _check_original_still_signed(self):
        """Before a correction is signed: the form it corrects is still the signed one, and
        nobody else is signing a correction of it or invoicing it right now."""
        original = self.correction_of_id.sudo()  # the corrected form is the system's to lock, whoever signs
        if not original:
            return
        try:
            original.lock_for_update()
        except LockError:
            raise UserError(
                self.env._("%s is being invoiced or corrected right now: sign again in a moment.", original.name)
            ) from None
        original.invalidate_recordset(["state"])
        if original.state != "signed":
            raise UserError(self.env._("%s is not the signed A1 Form any more: it cannot be corrected.", original.name))

    def _supersede_original(self):
        """The customer signed this correction: the form it corrects becomes Corrected (kept
        as it was signed, out of the lists of forms to invoice). Returns that form."""
        self.ensure_one()
        original = self.correction_of_id.sudo()  # the system's transition, allowed by write() once this is signed
        if not original:
            return original
        original.write({"state": "corrected"})
        original.message_post(
            body=self.env._(
                "Corrected by %(correction)s, signed by %(name)s.", correction=self.name, name=self.signed_by
            ),
            subtype_xmlid="mail.mt_note",
        )
        self._take_over_invoicing(original)
        return original

    def _check_signature_integrity(self):
        """Whether each form's stored signed document is the one the customer signed.

        Returns ``{form id: bool}``: True when the form was signed (state Signed or
        Corrected), its signed document is still attached to it and the SHA-256 of that
        document's content equals ``signed_pdf_sha256`` recorded at signing; False otherwise
        (not signed, document missing, moved or altered). Reused by the Verify button and
        the dossier. Reads the documents as the system, for forms the caller may read.
        """
        self.check_access("read")
        result = {}
        for form in self.sudo():  # the evidence attachment of a form the caller may read (checked above)
            document = form.signed_pdf_id.exists()
            intact = bool(
                form.state in LOCKED_STATES
                and form.signed_pdf_sha256
                and document
                and document.res_model == form._name
                and document.res_id == form.id
            )
            result[form.id] = intact and hashlib.sha256(document.raw or b"").hexdigest() == form.signed_pdf_sha256
        return result

    # ------------------------------------------------------------------
    # Rating (step 8): the QR code of the rating link on the signed form
    # ------------------------------------------------------------------

    def _support_rating_url(self):
        """The rating page of the request (the "happy" score preselected, the customer may
        change it there), for the QR code of the acceptance page; False once rated."""
        self.ensure_one()
        request = self.request_id.sudo()  # printed for the customer and the technician
        # Only on the signed page: an unsigned A1 Form hands out no rating link (step 7 before 8).
        if self.state != "signed" or not request._support_awaits_rating() or request.support_escalated_on:
            return False
        token = request._rating_get_access_token()
        return f"{request.get_base_url()}/rate/{token}/5"

    def _support_rating_qr_data_uri(self):
        """The QR code of the rating link, inline (the PDF is rendered without HTTP)."""
        self.ensure_one()
        url = self._support_rating_url()
        if not url:
            return False
        png = self.env["ir.actions.report"].barcode("QR", url, width=220, height=220)
        return f"data:image/png;base64,{base64.b64encode(png).decode()}"

    # ------------------------------------------------------------------
    # Signing: orders and the hardware notice
    # ------------------------------------------------------------------

    def _create_orders_from_recommendations(self):
        """Accepted software/hosting recommendations become ΠΠΥ; hardware ones notify the firm."""
        # Signing is done by the customer from the portal or by staff from a scan; both were
        # checked by the caller. The orders and the notice are the system's, not the signer's.
        forms = self.sudo()
        accepted = forms.recommendation_ids.filtered(lambda r: r.accepted == "yes")
        existing = (
            self.env["support.production.order"]
            # sudo: production orders are the system's follow-ups of the signature, not the signer's
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
            # sudo: production orders are the system's follow-ups of the signature, not the signer's
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
            # sudo: the production orders a correction kept, whoever signs it
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
        self.env["account.move"]._support_lock_to_invoice(
            self,
            self.env._("These A1 Forms are being invoiced by someone else."),
            ["state", "invoice_status", "external_invoice_ref"],
        )
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
        narration = self.env._(
            "A1 Form %(form)s, technician %(technician)s.", form=self.name, technician=self.technician_id.name
        )
        if self.correction_of_id:
            narration += " " + self.env._("It corrects A1 Form %s.", self.correction_of_id.name)
        return self.env["account.move"]._support_service_invoice_vals(
            self.firm_company_id,
            self.partner_id,
            [
                (line.product_id, {"name": line.name, "quantity": line.quantity, "price_unit": line.price_unit})
                for line in self.line_ids
            ],
            currency_id=self.currency_id.id,
            invoice_origin=self.name,
            ref=self.name,
            narration=narration,
            a1_form_id=self.id,
        )

    # ------------------------------------------------------------------
    # Corrections: the correction is invoiced instead of the form it corrects
    # ------------------------------------------------------------------

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
        self.env["account.move"]._support_lock_to_invoice(
            self,
            self.env._("This A1 Form is being invoiced already."),
            ["state", "invoice_status", "external_invoice_ref"],
        )
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

    # ------------------------------------------------------------------
    # Daily cron: reminder after 2 working days, account manager after 5
    # ------------------------------------------------------------------

    @api.model
    def _cron_remind_unsigned(self):
        """Daily, set-based: per company, one search for the filed forms unsigned for 2
        working days and not reminded yet, one for those unsigned for 5 and not escalated."""
        now = fields.Datetime.now()
        Request = self.env["support.request"]
        Form = self.sudo()  # a system cron over every company
        # sudo: every company with a working calendar, for the cron
        for company in self.env["res.company"].sudo().search([("resource_calendar_id", "!=", False)]):
            for working_days, done_on, follow_up in (
                (SIGN_REMINDER_WORKING_DAYS, "sign_reminder_sent_on", "_support_send_sign_reminder"),
                (SIGN_ESCALATION_WORKING_DAYS, "sign_escalated_on", "_support_escalate_unsigned"),
            ):
                cutoff = Request._support_escalation_cutoff(company.resource_calendar_id, now, working_days)
                if cutoff:
                    forms = Form._support_lock_filed(
                        [
                            ("company_id", "=", company.id),
                            ("state", "=", "filed"),
                            ("filed_on", "<", cutoff),
                            (done_on, "=", False),
                        ]
                    )
                    getattr(forms, follow_up)()

    def _support_lock_filed(self, domain):
        """The forms of ``domain``, less those another transaction holds (a customer
        signing right now): read again once locked, in case they were signed meanwhile."""
        candidates = self.search(domain, order="filed_on, id")
        locked = candidates.try_lock_for_update()
        return self.search([("id", "in", locked.ids)] + domain, order="id")

    def _support_send_sign_reminder(self):
        self.write({"sign_reminder_sent_on": fields.Datetime.now()})
        self._support_post_letter("certified_support.mail_template_a1_sign_reminder")

    def _support_escalate_unsigned(self):
        """One activity per form for its request's account manager (the administrator
        when the customer has none), in the manager's language."""
        self.write({"sign_escalated_on": fields.Datetime.now()})
        admin = self.env.ref("base.user_admin")
        for form in self:
            user = form.request_id.user_id or admin
            form.activity_schedule(
                "certified_support.mail_activity_a1_unsigned",
                user_id=user.id,
                note=form.with_context(lang=user.lang).env._(
                    "%(customer)s has not signed the A1 Form %(form)s 5 working days after it was filed, "
                    "despite the reminder: call them and ask them to sign it.",
                    customer=(form.contact_id or form.partner_id).display_name,
                    form=form.name,
                ),
            )
