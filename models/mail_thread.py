from odoo import api, models


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _get_thread_with_access(self, thread_id, *, token=None, **kwargs):
        """The chatter's access check (read, post, upload) of the portal. Odoo's portal
        compares a token given by the caller with the record's, which is empty until a link
        to it was shared: any token is then simply wrong (no access), not a server error
        (consteq of a string and False). The check itself stays Odoo's."""
        token_field = getattr(self, "_mail_post_token_field", None)
        if token and token_field in self._fields:
            # sudo: whether the record has a token at all, before Odoo checks the caller's
            thread = self.browse(thread_id).sudo().exists()
            if not thread[token_field]:
                token = None
        return super()._get_thread_with_access(thread_id, token=token, **kwargs)
