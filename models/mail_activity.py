from odoo import models
from odoo.exceptions import UserError


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """A corrective action is done only with what was done (its feedback), which stays
        in the request's history; the request's corrective action is then done."""
        corrective_type = self.env.ref("certified_support.mail_activity_corrective_action", raise_if_not_found=False)
        corrective = self.filtered(
            lambda a: corrective_type and a.activity_type_id == corrective_type and a.res_model == "support.request"
        )
        if corrective and not (feedback or "").strip():
            raise UserError(
                self.env._("Write what was done to correct the cause before marking the corrective action done.")
            )
        request_ids = corrective.mapped("res_id")
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if request_ids:
            self.env["support.request"].browse(request_ids)._support_corrective_action_done()
        return result
