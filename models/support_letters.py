from odoo import models


class SupportLetterMixin(models.AbstractModel):
    """What the customer receives in writing.

    Each letter is a ``mail.template`` the vendor can edit (in the customer's language,
    in Odoo's light notification layout with the company's logo), posted in the
    document's chatter as a discussion message, so the customer finds it on the
    portal page too. It goes to the template's recipients only: the document's
    followers (the account manager, the production department) are not sent the
    customer's letters, they have their own notices.
    """

    _name = "support.letter.mixin"
    _description = "Customer Letters"

    def _support_post_letter(self, template_xmlid):
        """Post the letter ``template_xmlid`` on each record of ``self``."""
        if not self:
            return self.env["mail.message"]
        template = self.env.ref(template_xmlid)
        messages = self.env["mail.message"]
        for record in self:
            messages += record.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                notify_skip_followers=True,
            )
        return messages
