import re
import secrets
from datetime import date

from psycopg2 import IntegrityError

from odoo import fields, http
from odoo.exceptions import AccessError, ConcurrencyError, MissingError, UserError
from odoo.http import request

from ..input_bounds import (
    DESCRIPTION_MAX_LENGTH,
    InputError,
    parse_amount,
    parse_choice,
    parse_date,
    parse_id,
    parse_text,
    parse_token,
)
from ..models.support_request import OPEN_STATES, SupportIntakeError
from .portal import SupportCustomerPortal

SUBMISSION_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")
SUBMISSION_CONSTRAINT = "support_request_submission_uniq"  # models.Constraint _submission_uniq


class SupportRequestPortal(SupportCustomerPortal):
    """The customer's side of RV requests: intake (step 1/4.1) and extra actions (step 6)."""

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _support_customer(self):
        """The customer is always the logged-in user's company, never a posted id."""
        return request.env.user.commercial_partner_id

    def _support_company(self):
        """The vendor's company whose catalogue the customer may choose from."""
        return request.env["support.request"]._intake_company("portal", request.env.user, self._support_customer())

    def _prepare_support_requests_domain(self):
        return [("partner_id", "=", self._support_customer().id)]

    def _get_support_request_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "id desc"},
            "name": {"label": request.env._("Number"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, id desc"},
        }

    def _get_support_request_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("Open"), "domain": [("state", "in", OPEN_STATES)]},
            "closed": {"label": request.env._("Closed"), "domain": [("state", "not in", OPEN_STATES)]},
        }

    def _get_support_faults(self):
        """The active catalogue faults of the customer's company, read as the customer."""
        return request.env["support.fault"].search([("company_id", "=", self._support_company().id)])

    def _get_support_installations(self):
        return request.env["support.installation"].search([("partner_id", "=", self._support_customer().id)])

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "support_request_count" in counters:
            Request = request.env["support.request"]
            values["support_request_count"] = (
                Request.search_count(self._prepare_support_requests_domain()) if Request.has_access("read") else 0
            )
        return values

    # ------------------------------------------------------------------
    # List and page of a request
    # ------------------------------------------------------------------

    @http.route(["/my/support", "/my/support/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_support_requests(self, page=1, sortby=None, filterby=None, **kw):
        # Searched as the customer: the record rules and the domain keep other customers out.
        support_requests, values = self._support_prepare_list_values(
            "support.request",
            "/my/support",
            self._prepare_support_requests_domain(),
            page,
            "my_support_requests_history",
            sortings=self._get_support_request_searchbar_sortings(),
            sortby=sortby,
            filters=self._get_support_request_searchbar_filters(),
            filterby=filterby,
        )
        values.update({"support_requests": support_requests, "page_name": "support_request"})
        return request.render("certified_support.portal_my_support_requests", values)

    def _support_request_can_answer(self, request_sudo):
        """Only the customer's own people answer its extra actions (not a token holder
        or the technician, who may read the request too)."""
        user = request.env.user
        return not user._is_public() and user.commercial_partner_id == request_sudo.partner_id

    @http.route(["/my/support/<int:request_id>"], type="http", auth="public", website=True)
    def portal_my_support_request(self, request_id, access_token=None, message=None, **kw):
        try:
            request_sudo = self._support_document_sudo("support.request", request_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        # What the customer accepted, as frozen in the acceptances (not today's catalogue).
        acceptances = self._support_valid_acceptances(request_sudo).sorted("id")
        values = self._get_page_view_values(
            request_sudo,
            access_token,
            {
                "support_request": request_sudo,
                "page_name": "support_request",
                "message": message,
                "can_answer": self._support_request_can_answer(request_sudo),
                "acceptances": acceptances,
                "amount_untaxed": sum(acceptances.mapped("amount_untaxed")),
                "amount_tax": sum(acceptances.mapped("amount_tax")),
                "amount_total": sum(acceptances.mapped("amount_total")),
            },
            "my_support_requests_history",
            False,
        )
        return request.render("certified_support.portal_my_support_request", values)

    # ------------------------------------------------------------------
    # Extra actions (step 6): the customer accepts or declines their cost
    # ------------------------------------------------------------------

    def _get_proposed_extra(self, request_id, extra_id, access_token=None):
        """(request_sudo, extra_sudo or None, redirect response or None)."""
        try:
            request_sudo = self._support_document_sudo("support.request", request_id, access_token=access_token)
        except (AccessError, MissingError):
            return None, None, request.redirect("/my")
        if not self._support_request_can_answer(request_sudo):
            raise request.not_found()
        extra_sudo = request_sudo.extra_ids.filtered(lambda e: e.id == extra_id)
        if not extra_sudo:
            raise request.not_found()
        # Two clicks at once must not both pass the state check: the second one, which
        # cannot lock the row, or sees it answered, is told it is already answered.
        locked = extra_sudo.try_lock_for_update()
        extra_sudo.invalidate_recordset(["state"])
        if not locked or extra_sudo.state != "proposed":
            return request_sudo, None, request.redirect(f"{request_sudo.access_url}?message=extra_answered")
        return request_sudo, extra_sudo, None

    @http.route(
        ["/my/support/<int:request_id>/extra/<int:extra_id>/accept"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_support_extra_accept(self, request_id, extra_id, access_token=None, **kw):
        request_sudo, extra_sudo, response = self._get_proposed_extra(request_id, extra_id, access_token)
        if response:
            return response
        # Portal users may not write: the request's access, the customer and the still
        # proposed extra action of that request were checked just above.
        extra_sudo._accept(request.env.user.partner_id, "portal", request.httprequest.remote_addr)
        return request.redirect(f"{request_sudo.access_url}?message=extra_accepted#support_extra_actions")

    @http.route(
        ["/my/support/<int:request_id>/extra/<int:extra_id>/decline"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_support_extra_decline(self, request_id, extra_id, access_token=None, **kw):
        request_sudo, extra_sudo, response = self._get_proposed_extra(request_id, extra_id, access_token)
        if response:
            return response
        # Same checks as accepting: the customer's own, still proposed extra action.
        extra_sudo._refuse()
        request_sudo.message_post(
            body=request.env._(
                "Extra action %(action)s declined by %(contact)s.",
                action=extra_sudo.name,
                contact=request.env.user.partner_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect(f"{request_sudo.access_url}?message=extra_declined#support_extra_actions")

    # ------------------------------------------------------------------
    # New request (step 1 from the portal, step 4.1)
    # ------------------------------------------------------------------

    def _prepare_support_request_form_values(self, form=None, errors=None):
        form = dict(form or {})
        if not parse_token(form.get("submission_token"), SUBMISSION_TOKEN_RE):
            form["submission_token"] = secrets.token_urlsafe(24)
        faults = self._get_support_faults()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_request_new",
                "customer": self._support_customer(),
                # Found above as the customer (record rules): sudo only to show the
                # actions' products and taxes, which portal users may not read.
                "faults": faults.sudo(),
                "installations": self._get_support_installations(),
                "form": form,
                "errors": errors or {},
                "today": fields.Date.context_today(request.env.user),
                "support_covered": self._support_customer_is_covered(),
                "estes_call": request.params.get("estes_call") == "1",
            }
        )
        return values

    def _support_customer_is_covered(self):
        """Step 2, before the customer fills anything in: an active ESTES today?"""
        customer = self._support_customer()
        # sudo: the gate may expire the customer's own contracts that just ended.
        return bool(customer.sudo()._get_support_contract_holders())

    def _parse_support_request_form(self, post):
        """Parse the posted form: (intake values for ``support.request._intake``, errors by
        field). Only what was typed is checked here; the rules are the model's."""
        env = request.env
        errors = {}
        intake = {
            # Never posted: the customer is the user's company, the user accepts the cost.
            "customer": self._support_customer(),
            "accepted_by": env.user.partner_id,
            "ip_address": request.httprequest.remote_addr,
        }

        try:
            fault_id = parse_id(env, post.get("fault_id"), env._("Fault"), field="fault_id")
        except InputError as exc:
            errors["fault_id"] = (
                env._("Choose the reason for your request.")
                if exc.code == "required"
                else env._("This fault is not in the catalogue any more: choose another one.")
            )
        else:
            intake["fault"] = env["support.fault"].browse(fault_id)

        try:
            intake["description"] = parse_text(
                env,
                post.get("description"),
                env._("Description"),
                max_length=DESCRIPTION_MAX_LENGTH,
                multiline=True,
                field="description",
            )
        except InputError as exc:
            errors["description"] = exc.message

        for name in ("desired_date_from", "desired_date_to"):
            try:
                # Any well-formed date here; the window is the model's rule, with its own words.
                intake[name] = parse_date(env, post.get(name), name, minimum=date.min, maximum=date.max, field=name)
            except InputError:
                errors[name] = env._("Enter a valid date.")

        try:
            places = [value for value, _label in request.env["support.request"]._fields["location"].selection]
            intake["location"] = parse_choice(
                env, post.get("location") or "", env._("Location"), places, required=False
            )
        except InputError:
            errors["location"] = env._("Choose on site or remote support.")

        try:
            installation_id = parse_id(
                env, post.get("installation_id"), env._("Installation"), required=False, field="installation_id"
            )
        except InputError:
            errors["installation_id"] = env._("Choose one of your installations.")
        else:
            if installation_id is not None:
                intake["installation"] = env["support.installation"].browse(installation_id)

        try:
            intake["amount_total"] = parse_amount(env, post.get("amount_total"), env._("Amount"), field="amount_total")
        except InputError:
            intake["amount_total"] = None  # the model tells the current cost
        return intake, errors

    def _find_submitted_support_request(self, token):
        # As the customer: only its own company's requests can match.
        return request.env["support.request"].search(
            [("partner_id", "=", self._support_customer().id), ("submission_token", "=", token)], limit=1
        )

    @http.route(["/my/support/new"], type="http", auth="user", methods=["GET", "POST"], website=True)
    def portal_support_request_new(self, **post):
        if request.httprequest.method != "POST":
            return request.render(
                "certified_support.portal_support_request_new", self._prepare_support_request_form_values()
            )
        post.pop("csrf_token", None)
        token = parse_token(post.get("submission_token"), SUBMISSION_TOKEN_RE)
        if token:
            existing = self._find_submitted_support_request(token)
            if existing:
                return request.redirect(existing.access_url)
        intake, errors = self._parse_support_request_form(post)
        Request = request.env["support.request"]
        # The rules, checked as the customer, for the fields that could be parsed.
        errors = {**Request._intake_check("portal", request.env.user, intake)[1], **errors}
        if not token:
            errors["submission_token"] = request.env._(
                "This form was out of date: please check it and submit it again."
            )
        if errors:
            return request.render(
                "certified_support.portal_support_request_new",
                self._prepare_support_request_form_values(post, errors),
            )
        intake["submission_token"] = token
        try:
            with request.env.cr.savepoint():
                support_request = Request._intake("portal", request.env.user, intake)
        except IntegrityError as exc:
            if exc.diag.constraint_name != SUBMISSION_CONSTRAINT:
                raise
            # The same form submitted twice at once: the other submission created the
            # request, committed after this transaction started, so it cannot be read here.
            # Odoo runs this submission again, which then finds it and shows it.
            raise ConcurrencyError(f"portal support request {token} submitted twice at once") from exc
        except SupportIntakeError as exc:
            return request.render(
                "certified_support.portal_support_request_new",
                self._prepare_support_request_form_values(post, exc.errors),
            )
        except UserError as exc:
            return request.render(
                "certified_support.portal_support_request_new",
                self._prepare_support_request_form_values(post, {"form": str(exc)}),
            )
        return request.redirect(f"{support_request.access_url}?message=registered")

    @http.route(["/my/support/estes-call"], type="http", auth="user", methods=["POST"], website=True)
    def portal_support_estes_call(self, **post):
        """Step 3 from the portal: a customer without an active ESTES asks sales to call."""
        if self._support_customer_is_covered() or not request.env.user._is_portal():
            return request.redirect("/my/support/new")
        customer = self._support_customer()
        company = self._support_company()
        # sudo: a portal customer opens (or reuses) their own company's ESTES activation
        # opportunity; nothing is taken from the form but the click itself.
        lead = request.env["crm.lead"].sudo()._support_estes_activation_lead(customer, customer.user_id, company)
        lead._support_ask_to_call(request.env.user.partner_id)
        return request.redirect("/my/support/new?estes_call=1")
