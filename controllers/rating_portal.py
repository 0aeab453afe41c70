from werkzeug.exceptions import BadRequest

from odoo import http
from odoo.http import request
from odoo.tools.misc import get_lang

from odoo.addons.rating.controllers.main import Rating
from odoo.addons.rating.models.rating_data import RATING_HAPPY_VALUE, RATING_NEUTRAL_VALUE, RATING_UNHAPPY_VALUE

from ..input_bounds import LONG_TEXT_MAX_LENGTH, InputError, parse_choice, parse_text

RATING_VALUES = (RATING_HAPPY_VALUE, RATING_NEUTRAL_VALUE, RATING_UNHAPPY_VALUE)


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
