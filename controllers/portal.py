from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..input_bounds import InputError
from ..models.support_acceptance import SERVICE_KINDS


class SupportCustomerPortal(CustomerPortal):
    """What the addon's portal pages share (a list page, who the user is, the valid
    acceptances), and the customer's ESTES contracts."""

    # ------------------------------------------------------------------
    # Shared helpers
    # ------------------------------------------------------------------

    def _support_prepare_list_values(
        self, model, url, domain, page, history, sortings=None, sortby=None, filters=None, filterby=None
    ):
        """(records, values) of a portal list page: the page of ``model``'s records that
        ``domain`` (and the chosen filter) finds, searched as the user (record rules), in
        the chosen order, with the pager and the search bar's values for the template.

        ``sortings``/``filters``: the search bar's choices as Odoo's portal lists have them
        (``{key: {"label", "order"}}``, ``{key: {"label", "domain"}}``); an unknown
        ``sortby``/``filterby`` is the first one. ``history``: the session key of the ids
        the record pages' "previous/next" walk through."""
        Model = request.env[model]
        values = self._prepare_portal_layout_values()
        url_args = {}
        order = None
        if sortings:
            if sortby not in sortings:
                sortby = next(iter(sortings))
            order = sortings[sortby]["order"]
            url_args["sortby"] = sortby
            values.update({"searchbar_sortings": sortings, "sortby": sortby})
        if filters:
            if filterby not in filters:
                filterby = next(iter(filters))
            domain = domain + filters[filterby]["domain"]
            url_args["filterby"] = filterby
            values.update({"searchbar_filters": filters, "filterby": filterby})
        pager = portal_pager(
            url=url, url_args=url_args, total=Model.search_count(domain), page=page, step=self._items_per_page
        )
        records = Model.search(domain, order=order, limit=self._items_per_page, offset=pager["offset"])
        request.session[history] = records.ids[:100]
        values.update({"pager": pager, "default_url": url})
        return records, values

    def _support_collecting_parser(self, errors):
        """``parse(parser, value, label, **kwargs)``: the value parsed by one of
        ``input_bounds``' parsers, or None with the parser's message added to ``errors``,
        so that a form shows every refused field at once."""
        env = request.env

        def parse(parser, *args, **kwargs):
            try:
                return parser(env, *args, **kwargs)
            except InputError as exc:
                errors.append(exc.message)
                return None

        return parse

    def _support_valid_acceptances(self, request_sudo):
        """What the customer accepted for the request (and its extra actions), in force."""
        return request_sudo.acceptance_ids._filter_valid(SERVICE_KINDS)

    def _support_is_firm_manager(self):
        return request.env.user.has_group("certified_support.group_support_firm_manager")

    def _support_document_sudo(self, model_name, document_id, access_token=None):
        """Odoo's portal access check (the user's rights, or the document's token), answered
        in sudo as the current user, not as the superuser: what the page then records (a
        signature, an acceptance, a note, a file) names who did it."""
        document = self._document_check_access(model_name, document_id, access_token=access_token)
        # sudo: the access was checked just above; the current user stays the author
        return document.with_user(request.env.user).sudo()

    def _get_assigned_request(self, request_id):
        """The request, if the logged-in technician (or their firm manager) may work on it."""
        if not request.env.user.has_group("certified_support.group_support_technician"):
            raise request.not_found()
        try:
            return self._support_document_sudo("support.request", request_id)
        except (AccessError, MissingError):
            raise request.not_found() from None

    # ------------------------------------------------------------------
    # The customer's ESTES contracts
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "support_contract_count" in counters:
            Contract = request.env["support.contract"]
            values["support_contract_count"] = (
                Contract.search_count(self._prepare_support_contracts_domain(), limit=1)
                if Contract.has_access("read")
                else 0
            )
        return values

    def _prepare_support_contracts_domain(self):
        return [("partner_id", "=", request.env.user.commercial_partner_id.id)]

    def _get_support_contract_searchbar_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_start desc, id desc"},
            "name": {"label": request.env._("Number"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, date_start desc"},
        }

    @http.route(
        ["/my/contracts", "/my/contracts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_support_contracts(self, page=1, sortby=None, **kw):
        contracts, values = self._support_prepare_list_values(
            "support.contract",
            "/my/contracts",
            self._prepare_support_contracts_domain(),
            page,
            "my_support_contracts_history",
            sortings=self._get_support_contract_searchbar_sortings(),
            sortby=sortby,
        )
        values.update({"contracts": contracts, "page_name": "support_contract"})
        return request.render("certified_support.portal_my_support_contracts", values)

    @http.route(["/my/contracts/<int:contract_id>"], type="http", auth="public", website=True)
    def portal_my_support_contract(self, contract_id, access_token=None, **kw):
        try:
            contract_sudo = self._support_document_sudo("support.contract", contract_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            contract_sudo,
            access_token,
            {"contract": contract_sudo, "page_name": "support_contract"},
            "my_support_contracts_history",
            False,
        )
        return request.render("certified_support.portal_my_support_contract", values)
