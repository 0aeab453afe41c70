from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager


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
            contract_sudo = self._document_check_access(
                "support.contract", contract_id, access_token=access_token
            )
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
            technicians = technicians.search(
                [("parent_id", "=", firm.id), ("is_support_technician", "=", True)]
            )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_partner",
                "technician": user.partner_id,
                "firm": firm,
                "technicians": technicians,
                "installation_count": request.env["support.installation"].search_count(
                    [("firm_id", "=", firm.id)]
                ),
            }
        )
        return request.render("certified_support.portal_my_partner_section", values)
