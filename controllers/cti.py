import hmac

from odoo import http
from odoo.http import request

from ..input_bounds import SEARCH_MAX_LENGTH, InputError, parse_text
from ..models.support_request import OPEN_STATES

CTI_KEY_PARAM = "certified_support.cti_api_key"
MAX_CUSTOMERS = 20


class SupportCtiController(http.Controller):
    @http.route(
        "/certified_support/cti/lookup",
        type="http",
        auth="public",
        methods=["GET"],
        readonly=True,
        save_session=False,
    )
    def cti_lookup(self, number=None, **kwargs):
        """Who is calling? For the vendor's phone system (CTI), one GET per incoming call.

        ``GET /certified_support/cti/lookup?number=2107489589`` with the key of the settings
        (Certified Support > Phone System) in the header ``X-CTI-Key: <key>`` or
        ``Authorization: Bearer <key>``. No key configured: the lookup is disabled.

        Answers ``200`` with ``{"number": "+302107489589", "customers": [...]}``: for each
        customer (commercial entity) whose company or contacts have that phone, its ``id``,
        ``name``, ``vat``, ``url`` (backend card), ``active_contract`` (an active ESTES) and
        ``open_requests`` (``name``, ``state``, ``state_label``, ``fault``, ``url``).

        Errors are JSON objects ``{"error": <message>, "code": <word>}``, with ``"field"``
        naming the parameter at fault: ``403`` code ``invalid_key`` for a missing or wrong key;
        ``400`` code ``required``, ``invalid_characters``, ``too_long`` or ``invalid_number``
        (field ``number``) without a usable number.
        """
        env = request.env
        if not self._cti_check_key():
            return request.make_json_response(
                {"error": env._("Invalid or missing CTI API key."), "code": "invalid_key"}, status=403
            )
        # No user session here: the phone system proved itself with the API key just checked.
        Partner = env["res.partner"].sudo()
        try:
            number = parse_text(
                env, number, env._("Number"), max_length=SEARCH_MAX_LENGTH, required=True, field="number"
            )
            normalized = Partner._support_normalize_phone(number)
            if not normalized:
                raise InputError(
                    env._("Give a valid phone number in the number parameter."), "number", "invalid_number"
                )
        except InputError as exc:
            return request.make_json_response(exc.to_json(), status=400)
        partners = Partner.search(Partner._support_phone_domain(normalized), limit=MAX_CUSTOMERS * 5)
        customers = partners.commercial_partner_id[:MAX_CUSTOMERS]
        return request.make_json_response({"number": normalized, "customers": self._cti_customers_data(customers)})

    def _cti_check_key(self):
        """The request carries the configured key; an empty configured key disables the lookup."""
        # The public user may not read system parameters: the key is only compared here.
        expected = request.env["ir.config_parameter"].sudo().get_param(CTI_KEY_PARAM) or ""
        if not expected:
            return False
        given = request.httprequest.headers.get("X-CTI-Key", "")
        if not given:
            scheme, _sep, token = request.httprequest.headers.get("Authorization", "").partition(" ")
            if scheme.lower() == "bearer":
                given = token.strip()
        return bool(given) and hmac.compare_digest(given.encode(), expected.encode())

    def _cti_customers_data(self, customers):
        if not customers:
            return []
        base_url = customers[0].get_base_url()
        holders = customers._get_support_contract_holders()
        requests_by_partner = (
            customers.env["support.request"]
            .search([("partner_id", "in", customers.ids), ("state", "in", OPEN_STATES)], order="id desc")
            .grouped("partner_id")
        )
        states = dict(customers.env["support.request"]._fields["state"]._description_selection(customers.env))
        return [
            {
                "id": customer.id,
                "name": customer.name,
                "vat": customer.vat or None,
                "url": f"{base_url}/odoo/res.partner/{customer.id}",
                "active_contract": customer in holders,
                "open_requests": [
                    {
                        "id": support_request.id,
                        "name": support_request.name,
                        "state": support_request.state,
                        "state_label": states.get(support_request.state),
                        "fault": support_request.fault_id.display_name,
                        "url": f"{base_url}/odoo/support-requests/{support_request.id}",
                    }
                    for support_request in requests_by_partner.get(customer, [])
                ],
            }
            for customer in customers
        ]
