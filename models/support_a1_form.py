import base64
import hashlib

from odoo import api, fields, models
from odoo.exceptions import LockError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

from ..input_bounds import (
    INVOICE_REF_MAX_LENGTH,
    MAX_MEETING_HOURS,
    NAME_MAX_LENGTH,
    SIGNATURE_MIMETYPES,
    check_date_window,
)

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
# Computed by the system (support_a1_form_orders.py), never written.
SYSTEM_FIELDS = {"invoice_status", "firm_company_id"}
# The firm's own invoice (support_a1_form_orders.py), recorded once on a signed form.
EXTERNAL_INVOICE_FIELDS = {
    "external_invoice_ref",
    "external_invoice_date",
    "external_invoice_amount",
    "external_invoice_mark",
}
# The state changes write() accepts; each action checks its own conditions first.
TRANSITIONS = {
    ("draft", "filed"),
    ("draft", "cancelled"),
    ("filed", "cancelled"),
    ("filed", "signed"),
    ("signed", "corrected"),
}


class SupportA1Form(models.Model):
    """The technician's report of a meeting, signed by the customer (step 7)."""

    _name = "support.a1.form"
    _description = "A1 Form"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "support.input.guard"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index="trigram")
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

    _partner_idx = models.Index("(partner_id, id DESC)")
    # external_invoice_ref: support_a1_form_orders.py
    _support_text_max_lengths = {"signed_by": NAME_MAX_LENGTH, "external_invoice_ref": INVOICE_REF_MAX_LENGTH}

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

    @api.onchange("request_id")
    def _onchange_request_id(self):
        if self.request_id and not self.line_ids:
            self.line_ids = self.request_id._prepare_a1_line_commands()

    @api.model_create_multi
    def create(self, vals_list):
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
            if vals.get("name", "/") == "/":
                company = self.env["support.request"].browse(vals.get("request_id")).company_id
                vals["name"] = (
                    self.env["ir.sequence"]._support_next("support.a1.form", company or self.env.company) or "/"
                )
            if "line_ids" not in vals and vals.get("request_id"):
                request = self.env["support.request"].browse(vals["request_id"])
                vals["line_ids"] = request._prepare_a1_line_commands()
        return super().create(vals_list)

    def write(self, vals):
        self._check_write(vals)
        return super().write(vals)

    def _check_write(self, vals):
        """What a write may change. Decided on the records' data only, never on the caller's
        context: a signed A1 Form is refused to every role, the superuser included."""
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
            .sudo()
            .search_count(  # the module's state, whoever deletes
                [("name", "=", "certified_support"), ("state", "=", "to remove")]
            )
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
        visited = self.request_id.filtered(lambda r: r.state in ("scheduled", "in_progress"))
        visited.write({"state": "done"})
        self._done_meeting_activities(visited)
        for form in self:
            form._portal_ensure_token()
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
        """Record the customer's acceptance and lock the form.

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
                .sudo()
                ._render_qweb_pdf("certified_support.action_report_support_a1_form", self.ids)[0]
            )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(  # the signed PDF is evidence kept by the system
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
        self._supersede_original()
        return True

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
