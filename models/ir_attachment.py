import base64

from odoo import api, models
from odoo.exceptions import UserError

from ..input_bounds import PORTAL_FILE_TYPES, InputError, check_file
from .support_a1_form import LOCKED_STATES

A1_MODEL = "support.a1.form"
# What Odoo itself writes on an existing attachment without changing the document.
HARMLESS_FIELDS = {"access_token"}


class IrAttachment(models.Model):
    """The attachments of a signed A1 Form are evidence: the signed PDF or scan (whose
    SHA-256 the form keeps), the drawn signature and whatever else is attached to it.

    Odoo lets whoever may write the record write and delete its attachments; for a signed
    A1 Form, nobody may, the superuser included: no attachment of it is deleted or changed,
    moved away, nor replaced by a new one in one of its fields. New files may still be
    attached to its chatter (a message, the mail composer's copies).

    Files portal users attach to our records (a request's, an A1 Form's or a production
    order's conversation, the Technical Diary) keep the portal's limits whatever the route:
    see _support_check_portal_file()."""

    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("res_model") in PORTAL_FILE_TYPES and ("raw" in vals or "datas" in vals):
                raw = vals.get("raw") or (vals.get("datas") and base64.b64decode(vals["datas"]))
                self._support_check_portal_file(vals.get("res_model"), vals.get("res_field"), vals.get("name"), raw)
        form_ids = {
            vals["res_id"]
            for vals in vals_list
            if vals.get("res_model") == A1_MODEL and vals.get("res_id") and vals.get("res_field")
        }
        self._support_check_forms_not_signed(form_ids)
        return super().create(vals_list)

    def write(self, vals):
        if self.env.user.share and ({"res_model", "raw", "datas"} & set(vals)):
            # A portal user's file moved to one of our records (a composer's upload posted
            # on it) or replaced there: the same limits as when uploaded on it.
            new_raw = vals.get("raw") or (vals.get("datas") and base64.b64decode(vals["datas"]))
            for attachment in self.sudo():  # the content and name of the user's own attachment
                if vals.get("res_model", attachment.res_model) in PORTAL_FILE_TYPES:
                    self._support_check_portal_file(
                        vals.get("res_model", attachment.res_model),
                        vals.get("res_field", attachment.res_field),
                        vals.get("name", attachment.name),
                        new_raw or attachment.raw,
                    )
        if set(vals) - HARMLESS_FIELDS:
            self._support_check_not_a1_evidence()
        if {"res_model", "res_id", "res_field"} & set(vals):
            # nor moved into a field of a signed form (where the next one would be taken for it)
            form_ids = {
                vals.get("res_id", attachment.res_id)
                for attachment in self.sudo()  # where it goes, see above
                if vals.get("res_model", attachment.res_model) == A1_MODEL
                and vals.get("res_field", attachment.res_field)
            }
            self._support_check_forms_not_signed(form_ids)
        return super().write(vals)

    @api.model
    def _support_check_portal_file(self, res_model, res_field, name, raw):
        """Files portal users (customers, technicians, token holders) attach to one of our
        records, by whatever route (the chatter's upload, a message posted with files, RPC):
        at most 10 MB and of a type accepted there, by content (input_bounds). The fields'
        own attachments (a drawn signature) are checked by their parsers."""
        if res_model not in PORTAL_FILE_TYPES or res_field or not self.env.user.share:
            return
        allowed, label = PORTAL_FILE_TYPES[res_model]
        try:
            check_file(self.env, name, raw, allowed=allowed, types_label=label, field="attachments")
        except InputError as exc:
            raise UserError(exc.message) from None

    @api.ondelete(at_uninstall=True)
    def _unlink_except_a1_evidence(self):
        if not self.env[A1_MODEL]._support_uninstalling():
            self._support_check_not_a1_evidence()

    def _support_check_not_a1_evidence(self):
        # Where each attachment belongs, whoever asks: the lock is the form's, not the user's.
        form_ids = {
            # sudo: the model and id an attachment belongs to, even one the user may not read
            attachment.res_id
            # sudo: the model and id an attachment belongs to, even one the user may not read
            for attachment in self.sudo()
            if attachment.res_model == A1_MODEL and attachment.res_id
        }
        self._support_check_forms_not_signed(form_ids)

    @api.model
    def _support_check_forms_not_signed(self, form_ids):
        if not form_ids:
            return
        # The forms' state decides, whoever asks (the user may not even read the form).
        signed = self.env[A1_MODEL].sudo().search([("id", "in", list(form_ids)), ("state", "in", LOCKED_STATES)])
        if signed:
            raise UserError(
                self.env._(
                    "%s is signed by the customer: its signed document, its signature and its attachments are kept "
                    "as they are, and cannot be deleted or replaced.",
                    ", ".join(signed.mapped("name")),
                )
            )
