from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from .portal import SupportCustomerPortal


class SupportPartnerPortal(SupportCustomerPortal):
    """The partner firms' section of the portal (the procedure's "intranet"): one page
    composed of its sections, and the rating reminder sent from it (step 8)."""

    # ------------------------------------------------------------------
    # Sections of the page
    # ------------------------------------------------------------------

    def _support_partner_requests_section(self, firm):
        """The technician's assigned meetings; for a firm manager, the firm's technicians
        and latest requests."""
        user = request.env.user
        technicians = request.env["res.partner"]
        Request = request.env["support.request"]
        firm_requests = Request
        if self._support_is_firm_manager():
            # Portal users read the contacts of their own company (base rule), so
            # the firm manager's list needs no elevated rights.
            technicians = technicians.search([("parent_id", "=", firm.id), ("is_support_technician", "=", True)])
            firm_requests = Request.search([("firm_id", "=", firm.id)], order="id desc", limit=self._items_per_page)
        # The record rules give a technician only the requests assigned to them and a
        # firm manager the firm's ones: both lists are searched as the user.
        assigned = Request.search(
            [("technician_id", "=", user.partner_id.id), ("state", "in", ("scheduled", "in_progress"))],
            order="meeting_start, id",
        )
        return {
            "technicians": technicians,
            "assigned_requests": assigned.sudo(),  # to show the customers' details
            "firm_requests": firm_requests.sudo(),  # to show the customers' details
            "installation_count": request.env["support.installation"].search_count([("firm_id", "=", firm.id)]),
        }

    def _support_unrated_requests(self):
        """Signed requests still waiting for their rating, of the technician (or, for a
        firm manager, of the firm), searched as the user: the record rules apply."""
        user = request.env.user
        domain = [("state", "=", "done"), ("support_signed_on", "!=", False)]
        if self._support_is_firm_manager():
            domain.append(("firm_id", "=", user.partner_id.commercial_partner_id.id))
        else:
            domain.append(("technician_id", "=", user.partner_id.id))
        return request.env["support.request"].search(domain, order="support_signed_on, id")

    def _support_partner_rating_section(self, reminder=None, reminder_error=None):
        """Step 8: the customers who have not rated yet, whom the technician may remind."""
        return {
            "unrated_requests": self._support_unrated_requests().sudo(),  # to show the customers' details
            "rating_reminder_message": reminder,  # the template knows "sent" only
            "rating_reminder_error": reminder_error,  # never a text from the URL
        }

    def _support_partner_hardware_section(self, firm):
        """The firm manager's accepted hardware recommendations (the firm's own procedure)."""
        if not self._support_is_firm_manager():
            return {}
        # The record rules give a firm manager the recommendations of the firm's A1 Forms.
        recommendations = request.env["support.a1.recommendation"].search(
            [
                ("a1_form_id.firm_id", "=", firm.id),
                ("a1_form_id.state", "=", "signed"),
                ("kind", "=", "hardware"),
                ("accepted", "=", "yes"),
            ],
            order="id desc",
            limit=self._items_per_page,
        )
        return {"hardware_recommendations": recommendations.sudo()}  # to show the customers' names

    def _support_render_partner_section(self, reminder=None, reminder_error=None):
        user = request.env.user
        if not user.has_group("certified_support.group_support_technician"):
            raise request.not_found()
        firm = user.partner_id.commercial_partner_id
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_partner",
                "technician": user.partner_id,
                "firm": firm,
                **self._support_partner_requests_section(firm),
                **self._support_partner_rating_section(reminder, reminder_error),
                **self._support_partner_hardware_section(firm),
            }
        )
        return request.render("certified_support.portal_my_partner_section", values)

    @http.route(["/my/partner"], type="http", auth="user", website=True)
    def portal_my_partner_section(self, reminder=None, **kw):
        return self._support_render_partner_section(reminder=reminder)

    # ------------------------------------------------------------------
    # Step 8: remind a customer to rate
    # ------------------------------------------------------------------

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
            return self._support_render_partner_section(
                reminder_error=request.env._("Request %s is not waiting for its customer's rating.", request_sudo.name)
            )
        try:
            request_sudo._support_send_rating_reminder()
        except UserError as exc:
            return self._support_render_partner_section(reminder_error=str(exc))
        request_sudo.message_post(
            body=request.env._("%s reminded the customer to rate the support.", request.env.user.name),
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect("/my/partner?reminder=sent")
