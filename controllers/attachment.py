from odoo import http
from odoo.http import request

from odoo.addons.mail.controllers.attachment import AttachmentController

from ..input_bounds import MAX_UPLOAD_SIZE, PORTAL_FILE_TYPES, InputError, check_file


class SupportAttachmentController(AttachmentController):
    """The chatter's attach button on our portal pages (a request's conversation, an A1
    Form's, a production order's) uploads here. Portal users get the addon's limits, checked
    on the content before anything is stored, with a message the widget shows as it is.
    Odoo's own upload then checks who may post on the record (record rules, token or
    hash/pid), and ir.attachment checks the limits again when the file is posted."""

    @http.route()
    def mail_attachment_upload(self, ufile, thread_id, thread_model, is_pending=False, **kwargs):
        if thread_model in PORTAL_FILE_TYPES and request.env.user.share:
            allowed, label = PORTAL_FILE_TYPES[thread_model]
            data = ufile.read(MAX_UPLOAD_SIZE + 1)  # one byte more is enough to refuse it
            ufile.seek(0)
            try:
                check_file(request.env, ufile.filename, data, allowed=allowed, types_label=label, field="ufile")
            except InputError as exc:
                return request.make_json_response({"error": exc.message})
        return super().mail_attachment_upload(ufile, thread_id, thread_model, is_pending=is_pending, **kwargs)
