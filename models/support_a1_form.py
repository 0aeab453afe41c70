import base64
import hashlib

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.mimetypes import guess_mimetype

from ..input_bounds import INVOICE_REF_MAX_LENGTH, MAX_MEETING_HOURS, NAME_MAX_LENGTH, SIGNATURE_MIMETYPES, check_date_window

# What the customer signs: none of it changes once the form is signed.
LOCKED_FIELDS = {
    "request_id", "date_start", "date_end", "line_ids", "recommendation_ids", "note", "state",
    "signature", "signed_by", "signed_on", "signed_ip", "signed_how", "signed_pdf_id",
    "signed_pdf_sha256", "correction_of_id",
}


class SupportA1Form(models.Model):
    """The technician's report of a meeting, signed by the customer (step 7)."""

    _name = "support.a1.form"
    _description = "A1 Form"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "support.input.guard"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    request_id = fields.Many2one(
        "support.request", string="Request", required=True, index=True, ondelete="restrict",
        tracking=True, domain="[('technician_id', '!=', False)]",
    )
    company_id = fields.Many2one(
        related="request_id.company_id", store=True, index=True, precompute=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        related="request_id.partner_id", store=True, index=True, precompute=True, string="Customer",
        readonly=True,
    )
    contact_id = fields.Many2one(related="request_id.contact_id", string="Contact person")
    technician_id = fields.Many2one(
        related="request_id.technician_id", store=True, index="btree_not_null", precompute=True,
        string="Technician", readonly=True,
    )
    firm_id = fields.Many2one(
        related="request_id.firm_id", store=True, index="btree_not_null", precompute=True,
        string="Partner firm", readonly=True,
    )
    date_start = fields.Datetime(string="Start", tracking=True, help="When the meeting started.")
    date_end = fields.Datetime(string="End", tracking=True, help="When the meeting ended.")
    duration = fields.Float(
        string="Duration", compute="_compute_duration", store=True,
        help="Hours between the start and the end of the meeting.",
    )
    line_ids = fields.One2many(
        "support.a1.form.line", "a1_form_id", string="Services given", copy=True,
    )
    note = fields.Html(string="Notes")
    recommendation_ids = fields.One2many(
        "support.a1.recommendation", "a1_form_id", string="Recommendations", copy=True,
    )
    amount_untaxed = fields.Monetary(string="Untaxed Amount", compute="_compute_amounts", store=True)
    amount_tax = fields.Monetary(string="VAT", compute="_compute_amounts", store=True)
    amount_total = fields.Monetary(string="Total", compute="_compute_amounts", store=True)
    state = fields.Selection(
        [("draft", "Draft"), ("filed", "Filed"), ("signed", "Signed"), ("cancelled", "Cancelled")],
        default="draft", required=True, readonly=True, copy=False, index=True, tracking=True,
    )
    correction_of_id = fields.Many2one(
        "support.a1.form", string="Corrects", readonly=True, copy=False, index="btree_not_null",
        help="The signed A1 Form this one corrects.",
    )
    correction_ids = fields.One2many("support.a1.form", "correction_of_id", string="Corrections")

    # Evidence of the customer's acceptance (simple electronic signature under eIDAS)
    signature = fields.Image(readonly=True, copy=False, attachment=True, max_width=1024, max_height=1024)
    signed_by = fields.Char(string="Signed by", readonly=True, copy=False)
    signed_on = fields.Datetime(string="Signed on", readonly=True, copy=False)
    signed_ip = fields.Char(string="Signed from IP", readonly=True, copy=False)
    signed_how = fields.Selection(
        [("portal", "Online in the portal"), ("scan", "Signed scan")], string="Signed how",
        readonly=True, copy=False,
    )
    signed_pdf_id = fields.Many2one("ir.attachment", string="Signed PDF", readonly=True, copy=False)
    signed_pdf_sha256 = fields.Char(
        string="SHA-256 of the signed PDF", readonly=True, copy=False,
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

    @api.depends("line_ids.price_subtotal", "line_ids.price_total")
    def _compute_amounts(self):
        for form in self:
            form.amount_untaxed = sum(form.line_ids.mapped("price_subtotal"))
            form.amount_total = sum(form.line_ids.mapped("price_total"))
            form.amount_tax = form.amount_total - form.amount_untaxed

    def _compute_access_url(self):
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
            if form.date_start and form.date_end and (
                (form.date_end - form.date_start).total_seconds() > MAX_MEETING_HOURS * 3600
            ):
                raise ValidationError(self.env._(
                    "A meeting lasts %(hours)s hours at most: check when it started and ended.",
                    hours=MAX_MEETING_HOURS,
                ))

    @api.constrains("signature")
    def _check_signature(self):
        for form in self.filtered("signature"):
            if guess_mimetype(base64.b64decode(form.signature), default="") not in SIGNATURE_MIMETYPES:
                raise ValidationError(self.env._("The signature must be a PNG or JPEG image."))

    @api.onchange("request_id")
    def _onchange_request_id(self):
        if self.request_id and not self.line_ids:
            self.line_ids = self.request_id._prepare_a1_line_commands()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["support.request"].browse(vals.get("request_id")).company_id
                vals["name"] = self.env["ir.sequence"]._support_next(
                    "support.a1.form", company or self.env.company
                ) or "/"
            if "line_ids" not in vals and vals.get("request_id"):
                request = self.env["support.request"].browse(vals["request_id"])
                vals["line_ids"] = request._prepare_a1_line_commands()
        return super().create(vals_list)

    def write(self, vals):
        if LOCKED_FIELDS & set(vals):
            self._check_not_signed()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(form.state not in ("draft", "cancelled") or form.signed_on for form in self):
            raise UserError(
                self.env._("Only a draft A1 Form can be deleted; a filed or signed one is kept as evidence.")
            )

    def _check_not_signed(self):
        signed = self.filtered(lambda f: f.state == "signed")
        if signed:
            raise UserError(
                self.env._(
                    "%(forms)s is signed by the customer and cannot be changed. Create a correction instead.",
                    forms=", ".join(signed.mapped("name")),
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
        self.write({"state": "filed"})
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
                lambda activity: activity.calendar_event_id and activity.calendar_event_id == request.event_id
            ).action_feedback(feedback=self.env._("A1 Form %s filed.", form.name))

    def action_cancel(self):
        if self.filtered(lambda f: f.state == "signed"):
            self._check_not_signed()
        self.write({"state": "cancelled"})
        return True

    def action_correct(self):
        self.ensure_one()
        if self.state != "signed":
            raise UserError(self.env._("Only a signed A1 Form is corrected with a new one."))
        correction = self.copy({"correction_of_id": self.id})
        self.message_post(body=self.env._("Corrected by %s.", correction.name))
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

    def _check_signature_integrity(self):
        """Whether the stored signed document of each form is the one that was signed:
        its SHA-256 recomputed now equals the one kept at signing.

        :return: ``{form id: bool}``; False for a form without a signed document
        """
        # sudo: the evidence attachment is read to be hashed, whoever checks it.
        return {
            form.id: bool(
                form.signed_pdf_sha256
                and form.sudo().signed_pdf_id.raw is not None
                and hashlib.sha256(form.sudo().signed_pdf_id.raw or b"").hexdigest() == form.signed_pdf_sha256
            )
            for form in self
        }

    def action_print(self):
        # data={}: the web client treats it as no data, and an XML-RPC client cannot receive None.
        return self.env.ref("certified_support.action_report_support_a1_form").report_action(self, data={})

    # ------------------------------------------------------------------
    # Signing
    # ------------------------------------------------------------------

    def _sign(self, signed_by, how, signed_on=None, ip_address=None, signature=None,
              accepted_recommendations=None, pdf=None):
        """Record the customer's acceptance and lock the form.

        Online: the PDF is rendered with the signature; scan: ``pdf`` is the scanned page.
        Its SHA-256 is kept with the attachment as evidence.
        """
        self.ensure_one()
        if self.state != "filed":
            raise UserError(self.env._("Only a filed A1 Form can be signed."))
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
            pdf = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
                "certified_support.action_report_support_a1_form", self.ids
            )[0]
        attachment = self.env["ir.attachment"].sudo().create(  # the signed PDF is evidence kept by the system
            {
                "name": self.env._("%s - signed.pdf", self._get_report_base_filename()),
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.write(
            {
                "state": "signed",
                "signed_pdf_id": attachment.id,
                "signed_pdf_sha256": hashlib.sha256(pdf).hexdigest(),
            }
        )
        self.message_post(
            body=self.env._("Signed by %(name)s (%(how)s).", name=signed_by,
                            how=dict(self._fields["signed_how"]._description_selection(self.env))[how]),
            attachment_ids=attachment.ids,
            subtype_xmlid="mail.mt_note",
        )
        return True
