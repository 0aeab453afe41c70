from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.rating.controllers.main import Rating

from .portal import SupportCustomerPortal


class SupportRatingPortal(SupportCustomerPortal):
    """Step 8 in the partner section: the technician sees which customers have not rated
    yet and may remind them (at most once a day per request)."""

    def _support_unrated_requests(self):
        """Signed requests still waiting for their rating, of the technician (or, for a
        firm manager, of the firm), searched as the user: the record rules apply."""
        user = request.env.user
        domain = [("state", "=", "done"), ("support_signed_on", "!=", False)]
        if user.has_group("certified_support.group_support_firm_manager"):
            domain.append(("firm_id", "=", user.partner_id.commercial_partner_id.id))
        else:
            domain.append(("technician_id", "=", user.partner_id.id))
        return request.env["support.request"].search(domain, order="support_signed_on, id")

    @http.route()
    def portal_my_partner_section(self, **kw):
        response = super().portal_my_partner_section(**kw)
        if getattr(response, "qcontext", None) is not None:
            response.qcontext.update(
                {
                    "unrated_requests": self._support_unrated_requests().sudo(),  # to show the customers' details
                    "rating_reminder_message": kw.get("reminder"),  # the template knows "sent" only
                    "rating_reminder_error": None,  # never a text from the URL
                }
            )
        return response

    def _support_reminder_error(self, error):
        response = self.portal_my_partner_section()
        response.qcontext["rating_reminder_error"] = error
        return response

    @http.route(
        ["/my/partner/requests/<int:request_id>/rating_reminder"], type="http", auth="user",
        website=True, methods=["POST"],
    )
    def portal_send_rating_reminder(self, request_id, **kw):
        request_sudo = self._get_assigned_request(request_id)
        if request_sudo not in self._support_unrated_requests():
            return self._support_reminder_error(
                request.env._("Request %s is not waiting for its customer's rating.", request_sudo.name)
            )
        try:
            request_sudo._support_send_rating_reminder()
        except UserError as exc:
            return self._support_reminder_error(str(exc))
        request_sudo.message_post(
            body=request.env._("%s reminded the customer to rate the support.", request.env.user.name),
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect("/my/partner?reminder=sent")


class SupportRatingLink(Rating):
    """Step 7 before step 8: the rating link of an RV request works only once its A1 Form
    is signed (and until the request is escalated to be closed by phone)."""

    def _get_rating_and_record(self, token):
        rating, record_sudo = super()._get_rating_and_record(token)
        if record_sudo._name == "support.request" and not record_sudo._support_rating_link_open():
            raise request.not_found()
        return rating, record_sudo
