from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..input_bounds import InputError, parse_id


class SupportPartnerNetworkPortal(CustomerPortal):
    """The firm's scorecard in the partner section, for the firm managers."""

    def _get_scorecard_firm(self):
        """The logged-in firm manager's own firm; 404 for anybody else.

        The firm is always the user's commercial entity: no firm id is ever taken from the
        request, so a firm manager cannot look at another firm's scorecard.
        """
        user = request.env.user
        if not user.has_group("certified_support.group_support_firm_manager"):
            raise request.not_found()
        firm = user.partner_id.commercial_partner_id
        if not firm.support_firm_kind:
            raise request.not_found()
        return firm

    def _prepare_scorecard_values(self, firm, error=None, message=None):
        env = request.env
        # Portal users read the contacts of their own company (base rule): the technicians
        # are searched as the user.
        technicians = env["res.partner"].search(
            [("commercial_partner_id", "=", firm.id), ("is_support_technician", "=", True), ("is_company", "=", False)],
            order="name, id",
        )
        # The record rules give a firm manager their firm's requests only.
        Request = env["support.request"]
        request_count = Request.search_count([("firm_id", "=", firm.id)])
        corrective_counts = dict(
            Request._read_group(
                [("firm_id", "=", firm.id), ("support_corrective_state", "!=", False)],
                ["support_corrective_state"],
                ["__count"],
            )
        )
        installation_count = env["support.installation"].search_count([("firm_id", "=", firm.id)])
        # Contracts: the firm manager's rule shows their firm's only.
        contracts = env["support.cooperation.contract"].search(
            [("firm_id", "=", firm.id)], order="date_start desc, id desc", limit=5
        )
        # Ratings are not readable by portal users: read those given to this firm's
        # technicians for this firm's requests (the technicians were searched as the user).
        ratings = (
            env["rating.rating"]
            # sudo: portal users read no ratings; only this firm's technicians' ratings on this firm's requests
            .sudo()
            .search(
                [
                    ("res_model", "=", "support.request"),
                    ("res_id", "in", Request._search([("firm_id", "=", firm.id)])),
                    ("rated_partner_id", "in", technicians.ids),
                    ("consumed", "=", True),
                    ("rating", ">=", 1),
                ],
                order="rated_on desc, id desc",
                limit=10,
            )
        )
        # The ratings were found under the firm's rule; sudo only names their customers.
        requests_by_id = {r.id: r for r in Request.sudo().browse(ratings.mapped("res_id")).exists()}
        # A1 Forms: the firm manager's rule gives their firm's.
        a1_counts = dict(
            env["support.a1.form"]._read_group(
                [("firm_id", "=", firm.id), ("state", "in", ("filed", "signed"))], ["state"], ["__count"]
            )
        )
        company = env.company
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_partner_scorecard",
                "firm": firm,
                "technicians": technicians,
                "request_count": request_count,
                "installation_count": installation_count,
                "a1_filed_count": a1_counts.get("filed", 0),
                "a1_signed_count": a1_counts.get("signed", 0),
                "corrective_open_count": corrective_counts.get("open", 0),
                "corrective_done_count": corrective_counts.get("done", 0),
                "contracts": contracts,
                "active_contract": contracts.filtered(lambda c: c.state == "active")[:1],
                "ratings": ratings,
                "requests_by_id": requests_by_id,
                "satisfaction_months": company.support_cert_satisfaction_months,
                "min_satisfaction": company.support_cert_min_satisfaction,
                "min_installations": company.support_cert_min_installations,
                "academy_months": company.support_cert_academy_months,
                "can_propose": {
                    technician.id: not technician._support_check_can_propose(env.user) for technician in technicians
                },
                "error": error,
                "message": message,
            }
        )
        return values

    @http.route(["/my/partner/scorecard"], type="http", auth="user", website=True)
    def portal_my_partner_scorecard(self, **kw):
        firm = self._get_scorecard_firm()
        message = None
        if kw.get("proposed"):
            message = request.env._("The technician was proposed; the vendor will review the proposal.")
        values = self._prepare_scorecard_values(firm, message=message)
        return request.render("certified_support.portal_my_partner_scorecard", values)

    @http.route(["/my/partner/scorecard/propose"], type="http", auth="user", website=True, methods=["POST"])
    def portal_propose_technician(self, technician_id=None, **kw):
        firm = self._get_scorecard_firm()
        technician = request.env["res.partner"]
        try:
            technician_id = parse_id(request.env, technician_id, request.env._("Technician"), field="technician_id")
        except InputError:  # pylint: disable=except-pass  # not an id: nobody is proposed
            pass
        else:
            # Searched as the user: a contact of another firm is not even found.
            technician = technician.search(
                [("id", "=", technician_id), ("commercial_partner_id", "=", firm.id)], limit=1
            )
        error = (
            technician._support_check_can_propose(request.env.user)
            if technician
            else request.env._("You can propose only the technicians of your own firm.")
        )
        if error:
            values = self._prepare_scorecard_values(firm, error=error)
            return request.render("certified_support.portal_my_partner_scorecard", values)
        # Portal users cannot write partners: the technician was checked above to be one of
        # the manager's own firm, not already proposed, and an IT firm's contract in force.
        technician.sudo()._support_propose_certification(request.env.user)
        return request.redirect("/my/partner/scorecard?proposed=1")
