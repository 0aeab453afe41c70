from psycopg2 import IntegrityError

from odoo import http
from odoo.exceptions import AccessError, LockError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import float_compare

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..input_bounds import MAX_LINE_HOURS, InputError, parse_float, parse_id

PROPOSED_ONCE_INDEX = "support_request_extra_proposed_once"  # models.UniqueIndex _proposed_once


class SupportCustomerPortal(CustomerPortal):
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
        Contract = request.env["support.contract"]
        values = self._prepare_portal_layout_values()
        searchbar_sortings = self._get_support_contract_searchbar_sortings()
        if sortby not in searchbar_sortings:
            sortby = "date"
        domain = self._prepare_support_contracts_domain()
        pager = portal_pager(
            url="/my/contracts",
            url_args={"sortby": sortby},
            total=Contract.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        contracts = Contract.search(
            domain,
            order=searchbar_sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_support_contracts_history"] = contracts.ids[:100]
        values.update(
            {
                "contracts": contracts,
                "page_name": "support_contract",
                "pager": pager,
                "default_url": "/my/contracts",
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
            }
        )
        return request.render("certified_support.portal_my_support_contracts", values)

    @http.route(["/my/contracts/<int:contract_id>"], type="http", auth="public", website=True)
    def portal_my_support_contract(self, contract_id, access_token=None, **kw):
        try:
            contract_sudo = self._document_check_access("support.contract", contract_id, access_token=access_token)
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

    @http.route(["/my/partner"], type="http", auth="user", website=True)
    def portal_my_partner_section(self, **kw):
        """The partner firms' section of the portal (the procedure's "intranet")."""
        user = request.env.user
        if not user.has_group("certified_support.group_support_technician"):
            raise request.not_found()
        firm = user.partner_id.commercial_partner_id
        technicians = request.env["res.partner"]
        if user.has_group("certified_support.group_support_firm_manager"):
            # Portal users read the contacts of their own company (base rule), so
            # the firm manager's list needs no elevated rights.
            technicians = technicians.search([("parent_id", "=", firm.id), ("is_support_technician", "=", True)])
        # The record rules give a technician only the requests assigned to them and a
        # firm manager the firm's ones: both lists are searched as the user.
        Request = request.env["support.request"]
        assigned = Request.search(
            [("technician_id", "=", user.partner_id.id), ("state", "in", ("scheduled", "in_progress"))],
            order="meeting_start, id",
        )
        firm_requests = Request
        if user.has_group("certified_support.group_support_firm_manager"):
            firm_requests = Request.search([("firm_id", "=", firm.id)], order="id desc", limit=self._items_per_page)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_partner",
                "technician": user.partner_id,
                "firm": firm,
                "technicians": technicians,
                "assigned_requests": assigned.sudo(),  # to show the customers' details
                "firm_requests": firm_requests.sudo(),  # to show the customers' details
                "installation_count": request.env["support.installation"].search_count([("firm_id", "=", firm.id)]),
            }
        )
        return request.render("certified_support.portal_my_partner_section", values)

    def _get_extra_action_products(self, request_sudo):
        """The technical actions of the request company's catalogue."""
        # Technicians may not read the catalogue's products; they only choose among them.
        lines = request.env["support.fault.line"].sudo().search([("company_id", "=", request_sudo.company_id.id)])
        return lines.product_id

    def _get_assigned_request(self, request_id):
        """The request, if the logged-in technician (or their firm manager) may work on it."""
        if not request.env.user.has_group("certified_support.group_support_technician"):
            raise request.not_found()
        try:
            return self._document_check_access("support.request", request_id)
        except (AccessError, MissingError):
            raise request.not_found() from None

    def _render_assigned_request(self, request_sudo, error=None, form=None):
        """The technician's page of a request; ``form``: the extra action as typed."""
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_partner",
                "support_request": request_sudo,
                "extra_products": self._get_extra_action_products(request_sudo),
                "error": error,
                "extra_values": form or {},
            }
        )
        return request.render("certified_support.portal_my_assigned_request", values)

    @http.route(["/my/partner/requests/<int:request_id>"], type="http", auth="user", website=True)
    def portal_my_assigned_request(self, request_id, **kw):
        return self._render_assigned_request(self._get_assigned_request(request_id))

    @http.route(
        ["/my/partner/requests/<int:request_id>/extra"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_propose_extra_action(self, request_id, product_id=None, quantity=None, **kw):
        request_sudo = self._get_assigned_request(request_id)
        env = request.env
        form = {"product_id": product_id or "", "quantity": quantity or ""}
        try:
            if request_sudo.technician_id != env.user.partner_id:
                raise InputError(env._("Only the technician of the meeting can propose extra actions."))
            if request_sudo.state not in ("scheduled", "in_progress"):
                raise InputError(env._("Extra actions can be proposed only for a scheduled meeting."))
            product_id = parse_id(env, product_id, env._("Action"), field="product_id")
            # Checked right below against the catalogue's actions.
            product = env["product.product"].sudo().browse(product_id).exists()
            if product not in self._get_extra_action_products(request_sudo):
                raise InputError(env._("Choose an action of the catalogue."), "product_id")
            quantity = parse_float(
                env, quantity, env._("Hours"), minimum=0, maximum=MAX_LINE_HOURS, min_exclusive=True, field="quantity"
            )
        except InputError as exc:
            return self._render_assigned_request(request_sudo, exc.message, form)
        # The same proposal posted twice (a double click, a reload) is one proposal: the
        # request is locked, and an identical one still waiting for the customer answers.
        try:
            request_sudo.lock_for_update()
        except LockError:
            return self._render_assigned_request(
                request_sudo, env._("This extra action is being proposed already."), form
            )
        request_sudo.invalidate_recordset(["extra_ids"])
        if request_sudo.extra_ids.filtered(
            lambda e: e.state == "proposed"
            and e.product_id == product
            and float_compare(e.quantity, quantity, precision_digits=2) == 0
        ):
            return request.redirect(f"/my/partner/requests/{request_sudo.id}")
        try:
            with env.cr.savepoint():
                # Portal users cannot create records: the technician was checked to be the one
                # of this scheduled meeting, and the action and its price come from the catalogue.
                env["support.request.extra"].sudo().create(
                    {
                        "request_id": request_sudo.id,
                        "product_id": product.id,
                        "quantity": quantity,
                        "proposed_by_id": env.user.partner_id.id,
                    }
                )
        except IntegrityError as exc:
            if exc.diag.constraint_name != PROPOSED_ONCE_INDEX:
                raise
            # The same proposal, committed meanwhile by the other submission.
            return request.redirect(f"/my/partner/requests/{request_sudo.id}")
        except (UserError, ValidationError) as exc:
            return self._render_assigned_request(request_sudo, str(exc), form)
        request_sudo.message_post(
            body=env._("%s proposed an extra action; the customer must accept its cost.", env.user.name),
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect(f"/my/partner/requests/{request_sudo.id}")
