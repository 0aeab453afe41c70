from werkzeug.exceptions import BadRequest

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.misc import get_lang

from odoo.addons.rating.controllers.main import Rating
from odoo.addons.rating.models.rating_data import RATING_HAPPY_VALUE, RATING_NEUTRAL_VALUE, RATING_UNHAPPY_VALUE

from ..input_bounds import LONG_TEXT_MAX_LENGTH, InputError, parse_choice, parse_text
from .portal import SupportCustomerPortal

RATING_VALUES = (RATING_HAPPY_VALUE, RATING_NEUTRAL_VALUE, RATING_UNHAPPY_VALUE)


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
        ["/my/partner/requests/<int:request_id>/rating_reminder"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
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

    # The rating links and form (Odoo's routes, served here): a score other than 1, 3 or 5
    # is a 404 instead of Odoo's server error, and the feedback is parsed like every
    # other text of the portal.

    @http.route()
    def action_open_rating(self, token, rate, **kwargs):
        if rate not in RATING_VALUES:
            raise request.not_found()
        return super().action_open_rating(token, rate, **kwargs)

    @http.route()
    def action_submit_rating(self, token, rate=0, **kwargs):
        if request.httprequest.method != "POST":
            return super().action_submit_rating(token, rate=rate, **kwargs)
        env = request.env
        rating, _record_sudo = self._get_rating_and_record(token)
        try:
            rate = int(
                parse_choice(env, str(rate), env._("Rating"), [str(value) for value in RATING_VALUES], field="rate")
            )
        except InputError as exc:
            raise BadRequest(exc.message) from None  # not a value the page offers
        try:
            kwargs["feedback"] = parse_text(
                env,
                kwargs.get("feedback"),
                env._("Feedback"),
                max_length=LONG_TEXT_MAX_LENGTH,
                multiline=True,
                field="feedback",
            )
        except InputError as exc:
            # The rating page again, with the message and the typed feedback.
            lang = rating.partner_id.lang or get_lang(env).code
            return (
                request.env["ir.ui.view"]
                .with_context(lang=lang)
                ._render_template(
                    "rating.rating_external_page_submit",
                    {
                        "rating": rating,
                        "token": token,
                        "rate_names": {
                            RATING_HAPPY_VALUE: env._("Happy"),
                            RATING_NEUTRAL_VALUE: env._("Neutral"),
                            RATING_UNHAPPY_VALUE: env._("Unhappy"),
                        },
                        "rate": rate,
                        "support_error": exc.message,
                        "support_feedback": kwargs.get("feedback") if isinstance(kwargs.get("feedback"), str) else "",
                    },
                )
            )
        return super().action_submit_rating(token, rate=rate, **kwargs)
