from odoo import http
from odoo.exceptions import AccessError, LockError, MissingError, UserError
from odoo.fields import Command
from odoo.http import request

from ..input_bounds import (
    A1_FILE_EXTENSIONS,
    A1_FILE_MIMETYPES,
    MAX_A1_FILES,
    MAX_UPLOADS,
    InputError,
    check_file,
)
from .a1_portal import SupportA1Portal


class SupportA1FilesPortal(SupportA1Portal):
    """Technical Diary: the technician attaches photos and files to their A1 Form until the
    customer signs it; whoever may read the form sees them on its page."""

    def _a1_files_can_attach(self, a1_sudo):
        user = request.env.user
        return (
            not user._is_public()
            and user.has_group("certified_support.group_support_technician")
            and a1_sudo.technician_id == user.partner_id
            and a1_sudo.state == "filed"
        )

    def _a1_files_parse(self, a1_sudo, uploads):
        """([(name, data, mimetype)], errors): every posted file, checked by its content."""
        env = request.env
        uploads = [upload for upload in uploads if upload.filename]
        if not uploads:
            return [], [env._("Choose the photos or files to attach.")]
        if len(uploads) > MAX_UPLOADS:
            return [], [env._("Attach %(max)s files at most at once.", max=MAX_UPLOADS)]
        if len(a1_sudo.file_ids) + len(uploads) > MAX_A1_FILES:
            return [], [
                env._(
                    "An A1 Form holds %(max)s photos and files at most; %(left)s more can be attached.",
                    max=MAX_A1_FILES,
                    left=max(MAX_A1_FILES - len(a1_sudo.file_ids), 0),
                )
            ]
        files, errors = [], []
        for upload in uploads:
            data = upload.read()
            try:
                name, mimetype = check_file(
                    env, upload.filename, data, allowed=A1_FILE_MIMETYPES, types_label=A1_FILE_EXTENSIONS, field="files"
                )
            except InputError as exc:
                errors.append(exc.message)
            else:
                files.append((name, data, mimetype))
        return files, errors

    def _a1_files_page(self, a1_sudo, errors):
        """The A1 Form page again, with what was wrong above the upload form."""
        return self._a1_render_page(a1_sudo, a1_file_errors=errors)

    @http.route(["/my/a1/<int:a1_id>/files"], type="http", auth="user", methods=["POST"], website=True)
    def portal_a1_files_upload(self, a1_id, **post):
        try:
            # The record rules: the technician's own forms (and the firm's, the customer's).
            a1_sudo = self._support_document_sudo("support.a1.form", a1_id)
        except (AccessError, MissingError):
            raise request.not_found() from None
        if not self._a1_files_can_attach(a1_sudo):
            if a1_sudo.technician_id != request.env.user.partner_id:
                raise request.not_found()
            return self._a1_files_page(
                a1_sudo, [request.env._("Photos and files can be attached only until the customer signs the A1 Form.")]
            )
        files, errors = self._a1_files_parse(a1_sudo, request.httprequest.files.getlist("files"))
        if errors:
            return self._a1_files_page(a1_sudo, errors)
        try:
            a1_sudo.lock_for_update()  # the customer may be signing it right now
        except LockError:
            return self._a1_files_page(a1_sudo, [request.env._("The A1 Form is being signed: try again in a moment.")])
        a1_sudo.invalidate_recordset(["state", "file_ids"])
        if not self._a1_files_can_attach(a1_sudo):
            return self._a1_files_page(
                a1_sudo, [request.env._("Photos and files can be attached only until the customer signs the A1 Form.")]
            )
        try:
            with request.env.cr.savepoint():
                # Portal users may not create attachments on the form: the user is its
                # technician, it is not signed and every file was checked by content above
                # (ir.attachment checks them again as the technician's).
                attachments = (
                    request.env["ir.attachment"]
                    # sudo: portal users create no attachments; the technician's own unsigned form, files checked above
                    .sudo()
                    .create(
                        [
                            {
                                "name": name,
                                "raw": data,
                                "mimetype": mimetype,
                                "res_model": a1_sudo._name,
                                "res_id": a1_sudo.id,
                            }
                            for name, data, mimetype in files
                        ]
                    )
                )
                a1_sudo.file_ids = [Command.link(attachment.id) for attachment in attachments]
        except UserError as exc:
            return self._a1_files_page(a1_sudo, [str(exc)])
        a1_sudo.message_post(
            body=request.env._(
                "%(name)s attached in the Technical Diary: %(files)s",
                name=request.env.user.name,
                files=", ".join(attachments.mapped("name")),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect(f"/my/a1/{a1_sudo.id}?message=files_added#a1_files")
