from odoo import models


class SupportRequest(models.Model):
    """The customer's written acknowledgement of every registered request, and the
    extra actions proposed to them with the link to accept or decline."""

    _name = "support.request"
    _inherit = ["support.request", "support.letter.mixin"]

    def _register_request(self, accepted_by, ip_address=None, accepted_on=None):
        result = super()._register_request(accepted_by, ip_address=ip_address, accepted_on=accepted_on)
        self._support_post_letter("certified_support.mail_template_request_acknowledgement")
        return result

    def _support_letter_acceptances(self):
        """The acceptance the acknowledgement records: the request's own, valid, latest first."""
        self.ensure_one()
        return self.acceptance_ids.filtered(lambda a: a.kind == "request" and a.state == "valid").sorted(
            "id", reverse=True
        )

    def _support_send_extra_proposals(self):
        """The customer is asked to accept or decline the proposed extra actions."""
        self.filtered(lambda r: r.extra_ids.filtered(lambda e: e.state == "proposed"))._support_post_letter(
            "certified_support.mail_template_request_extra_proposed"
        )
