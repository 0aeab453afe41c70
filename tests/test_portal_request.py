import re
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.http import Request
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.certified_support.controllers.request_portal import SupportRequestPortal

from .common import SupportHttpCommon


@tagged("post_install", "-at_install")
class TestPortalRequest(SupportHttpCommon):
    """The customer's side of RV requests: intake from the portal (step 1, 4.1) and the
    acceptance of extra actions (step 6)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fault = cls._create_db_fault(
            "PT01", location="remote", description="<p>The program cannot reach its database.</p>"
        )
        cls.fault_onsite = cls._create_fault(
            "PT02", "New workstation installation", [(cls.product_remote, 2.0)], location="onsite"
        )
        cls.fault_archived = cls._create_fault("PT03", "Old fault", active=False)
        cls.other_company = cls.env["res.company"].create({"name": "Άλλος Προμηθευτής Α.Ε."})
        cls.fault_other_company = cls._create_fault("PT04", "Another vendor's fault", company_id=cls.other_company.id)
        cls.contract = cls._create_current_contract()
        cls.installation = cls.env["support.installation"].create(
            {"partner_id": cls.customer.id, "product_id": cls.product_estes.id, "version": "v9"}
        )
        cls.other_installation = cls.env["support.installation"].create(
            {"partner_id": cls.other_customer.id, "product_id": cls.product_estes.id, "version": "v7"}
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def _form_token(self):
        response = self.url_open("/my/support/new")
        self.assertEqual(response.status_code, 200)
        return re.search(r'name="submission_token" value="([^"]+)"', response.text).group(1)

    def _submit(self, token=None, **overrides):
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "fault_id": self.fault.id,
            "description": "Το λογιστικό δεν συνδέεται με τη βάση από το πρωί.",
            "location": "remote",
            "amount_total": "119.04",
            "submission_token": token or self._form_token(),
        }
        data.update(overrides)
        return self.url_open(
            "/my/support/new", data={k: v for k, v in data.items() if v is not None}, allow_redirects=False
        )

    def _requests(self, partner=None):
        return self.env["support.request"].search([("partner_id", "=", (partner or self.customer).id)])

    def _assert_refused(self, response, message):
        self.assertEqual(response.status_code, 200, "the form comes back, not a redirect")
        self.assertIn(message, response.text)
        self.assertFalse(self._requests(), "nothing is registered")

    def _request_for(self, partner, contact):
        """A request registered by phone by the staff, with one proposed extra action."""
        support_request = self.env["support.request"].create(
            {"partner_id": partner.id, "contact_id": contact.id, "fault_id": self.fault.id}
        )
        support_request._register_request(contact)
        extra = self.env["support.request.extra"].create(
            {"request_id": support_request.id, "product_id": self.product_db.id, "quantity": 1.0}
        )
        return support_request, extra

    # ------------------------------------------------------------------
    # intake
    # ------------------------------------------------------------------

    def test_form_lists_active_faults_of_the_company_with_their_cost(self):
        response = self._open_page("cs_customer", "/my/support/new")
        self.assertIn("[PT01] Connection to the database server fails", response.text)
        self.assertIn("[PT02] New workstation installation", response.text)
        # (with the bracket: the page's random tokens may contain "PT03")
        self.assertNotIn("[PT03]", response.text, "archived faults are not offered")
        self.assertNotIn("[PT04]", response.text, "another company's catalogue is not offered")
        self.assertIn("The program cannot reach its database.", response.text)
        self.assertIn("Database check and repair", response.text)
        self.assertIn("119.04", response.text)
        self.assertIn(self.installation.name, response.text)
        self.assertNotIn(self.other_installation.name, response.text, "another customer's installation is not offered")
        self.assertIn("By submitting this request you accept its cost of", response.text)

    def test_submit_registers_request_and_acceptance(self):
        self.authenticate("cs_customer", "cs_customer")
        date_from = fields.Date.today() + relativedelta(days=1)
        date_to = date_from + relativedelta(days=3)
        response = self._submit(
            desired_date_from=str(date_from),
            desired_date_to=str(date_to),
            installation_id=self.installation.id,
        )
        self.assertEqual(response.status_code, 303)
        support_request = self._requests()
        self.assertEqual(len(support_request), 1)
        self.assertTrue(response.headers["Location"].endswith(f"/my/support/{support_request.id}?message=registered"))
        self.assertEqual(support_request.channel, "portal")
        self.assertEqual(support_request.contact_id, self.customer_contact)
        self.assertEqual(support_request.fault_id, self.fault)
        self.assertEqual(support_request.location, "remote")
        self.assertEqual(support_request.installation_id, self.installation)
        self.assertEqual(support_request.desired_date_from, date_from)
        self.assertEqual(support_request.desired_date_to, date_to)
        self.assertEqual(support_request.description, "Το λογιστικό δεν συνδέεται με τη βάση από το πρωί.")

        acceptance = support_request.acceptance_ids
        self.assertEqual(len(acceptance), 1)
        self.assertEqual(acceptance.state, "valid")
        self.assertEqual(acceptance.kind, "request")
        self.assertEqual(acceptance.channel, "portal")
        self.assertEqual(acceptance.accepted_by_id, self.customer_contact)
        self.assertEqual(acceptance.user_id, self.user_customer)
        self.assertTrue(acceptance.ip_address)
        self.assertAlmostEqual(acceptance.amount_untaxed, 96.0)
        self._assert_db_fault_accepted(acceptance)

        # Covered by an active ESTES: to schedule, with an activity and an e-mail for the AM.
        self._assert_to_schedule(support_request)
        mails = self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", self.user_support.partner_id.ids),
                ("model", "=", "support.request"),
                ("res_id", "=", support_request.id),
            ]
        )
        mail = mails.filtered(lambda m: m.subject.startswith("New RV request"))
        self.assertEqual(len(mail), 1, mails.mapped("subject"))
        self.assertIn(support_request.name, mail.subject)
        self.assertIn(self.customer.name, mail.subject)

        # The customer lands on the request page, which shows what was accepted.
        response = self.url_open(response.headers["Location"])
        self.assertEqual(response.status_code, 200)
        self.assertIn(support_request.name, response.text)
        self.assertIn("is registered and its cost accepted", response.text)
        self.assertIn('data-state="to_schedule"', response.text)
        self.assertIn("Database check and repair", response.text)
        self.assertIn("119.04", response.text)

    def test_submit_without_contract_waits_for_sales(self):
        self.authenticate("cs_other_customer", "cs_other_customer")
        response = self._submit()
        self.assertEqual(response.status_code, 303)
        support_request = self._requests(self.other_customer)
        self.assertEqual(len(support_request), 1)
        self.assertEqual(support_request.state, "waiting_contract")
        self.assertEqual(support_request.contact_id, self.other_contact)
        self.assertTrue(support_request.lead_id.support_estes_activation)
        self.assertEqual(support_request.lead_id.partner_id, self.other_customer)
        self.assertEqual(len(support_request.acceptance_ids), 1, "the cost is accepted all the same")
        response = self.url_open(response.headers["Location"])
        self.assertIn("You have no active ESTES support contract", response.text)

    def test_new_request_page_tells_the_gate_first_and_asks_sales_to_call(self):
        self.authenticate("cs_customer", "cs_customer")
        self.assertNotIn("support_no_estes", self.url_open("/my/support/new").text, "covered: no notice")

        self.authenticate("cs_other_customer", "cs_other_customer")
        page = self.url_open("/my/support/new").text
        self.assertIn('id="support_no_estes"', page)
        self.assertLess(page.index("support_no_estes"), page.index("o_support_request_form"), "told before the form")
        Lead = self.env["crm.lead"]
        for _click in range(2):  # clicked twice: one opportunity, one call to make
            response = self.url_open("/my/support/estes-call", data={"csrf_token": Request.csrf_token(self)})
            self.assertEqual(response.status_code, 200)
            self.assertIn("support_estes_call_sent", response.text)
        lead = Lead.search([("partner_id", "=", self.other_customer.id), ("support_estes_activation", "=", True)])
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.won_status, "pending")
        calls = lead.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(len(calls), 1)
        self.assertIn(self.other_contact.name, str(calls.note))
        # A request registered afterwards waits on the same opportunity.
        self._submit()
        self.assertEqual(self._requests(self.other_customer).lead_id, lead)
        # Without the CSRF token, or for a covered customer, nothing is created.
        self.assertEqual(self.url_open("/my/support/estes-call", data={"x": "1"}).status_code, 400)
        self.authenticate("cs_customer", "cs_customer")
        self.url_open("/my/support/estes-call", data={"csrf_token": Request.csrf_token(self)})
        self.assertFalse(Lead.search([("partner_id", "=", self.customer.id), ("support_estes_activation", "=", True)]))

    def test_double_submit_creates_one_request(self):
        self.authenticate("cs_customer", "cs_customer")
        token = self._form_token()
        first = self._submit(token=token)
        second = self._submit(token=token)
        support_request = self._requests()
        self.assertEqual(len(support_request), 1)
        self.assertEqual(len(support_request.acceptance_ids), 1)
        self.assertEqual(second.status_code, 303)
        self.assertTrue(second.headers["Location"].endswith(f"/my/support/{support_request.id}"))
        self.assertEqual(first.status_code, 303)

    def test_concurrent_double_submit_relies_on_the_unique_constraint(self):
        """The second submission does not see the first one (it was not committed yet):
        the unique constraint refuses it and the customer is sent to the first."""
        self.authenticate("cs_customer", "cs_customer")
        token = self._form_token()
        self._submit(token=token)
        original = SupportRequestPortal._find_submitted_support_request
        calls = []

        def not_yet_committed(controller, submitted_token):
            calls.append(submitted_token)
            if len(calls) == 1:
                return http.request.env["support.request"]
            return original(controller, submitted_token)

        with (
            patch.object(SupportRequestPortal, "_find_submitted_support_request", not_yet_committed),
            mute_logger("odoo.sql_db"),
        ):
            response = self._submit(token=token)
        self.assertEqual(len(calls), 2, "looked up before creating, and again after the constraint refused it")
        support_request = self._requests()
        self.assertEqual(len(support_request), 1)
        self.assertEqual(len(support_request.acceptance_ids), 1)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith(f"/my/support/{support_request.id}"))

    def test_tampered_fault_is_refused(self):
        self.authenticate("cs_customer", "cs_customer")
        for fault in (self.fault_other_company, self.fault_archived):
            response = self._submit(fault_id=fault.id, amount_total=fault.amount_total)
            self._assert_refused(response, "This fault is not in the catalogue any more")
        response = self._submit(fault_id="abc")
        self._assert_refused(response, "This fault is not in the catalogue any more")

    def test_tampered_total_is_refused(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self._submit(amount_total="1.00")
        self._assert_refused(response, "The price changed, please review")
        response = self._submit(amount_total=None)
        self._assert_refused(response, "The price changed, please review")
        # the page shows the current cost and keeps what was typed
        self.assertIn("Το λογιστικό δεν συνδέεται με τη βάση από το πρωί.", response.text)

    def test_catalogue_price_change_is_refused(self):
        self.authenticate("cs_customer", "cs_customer")
        token = self._form_token()
        self.fault.line_ids[0].price_unit = 40.0
        response = self._submit(token=token)
        self._assert_refused(response, "The price changed, please review")
        self.assertIn("124.00", response.text, "the new cost is shown")
        # resubmitting with the new total registers the request
        response = self._submit(token=token, amount_total=self.fault.amount_total)
        self.assertEqual(response.status_code, 303)
        self.assertAlmostEqual(self._requests().acceptance_ids.amount_total, 124.0)

    def test_posted_partner_is_ignored(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self._submit(partner_id=self.other_customer.id, contact_id=self.other_contact.id)
        self.assertEqual(response.status_code, 303)
        self.assertFalse(self._requests(self.other_customer))
        support_request = self._requests()
        self.assertEqual(len(support_request), 1)
        self.assertEqual(support_request.contact_id, self.customer_contact)
        self.assertEqual(support_request.acceptance_ids.accepted_by_id, self.customer_contact)

    def test_another_customers_installation_is_refused(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self._submit(installation_id=self.other_installation.id)
        self._assert_refused(response, "Choose one of your installations.")

    def test_location_must_be_allowed_by_the_fault(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self._submit(location="onsite")
        self._assert_refused(response, "This fault is handled only remotely.")
        response = self._submit(
            fault_id=self.fault_onsite.id, amount_total=self.fault_onsite.amount_total, location=None
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._requests().location, "onsite", "the only place the fault allows")

    def test_invalid_form_comes_back_with_what_was_typed(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self._submit(fault_id="", description="Η οθόνη μένει μαύρη μετά την ενημέρωση.")
        self._assert_refused(response, "Choose the reason for your request.")
        self.assertIn("Η οθόνη μένει μαύρη μετά την ενημέρωση.", response.text)

        response = self._submit(description="   ")
        self._assert_refused(response, "Describe the problem in a few words.")
        self.assertRegex(response.text, f'<option value="{self.fault.id}" selected=', "the fault stays chosen")

        day = fields.Date.today() + relativedelta(days=5)
        response = self._submit(
            desired_date_from=str(day),
            desired_date_to=str(day - relativedelta(days=2)),
            description="Οι εκτυπώσεις κολλάνε.",
        )
        self._assert_refused(response, "This day must not be before the first one.")
        self.assertIn("Οι εκτυπώσεις κολλάνε.", response.text)
        self.assertIn(str(day), response.text)
        response = self._submit(desired_date_from="2001-01-01")
        self._assert_refused(response, "Choose today or a later day.")
        response = self._submit(desired_date_from="not a date")
        self._assert_refused(response, "Enter a valid date.")

    def test_new_request_needs_login_and_csrf(self):
        response = self._get("/my/support/new")
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])
        self.authenticate("cs_customer", "cs_customer")
        with mute_logger("odoo.http"):
            response = self._submit(csrf_token="wrong")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._requests())

    # ------------------------------------------------------------------
    # list and page
    # ------------------------------------------------------------------

    def test_list_shows_own_company_requests_only(self):
        own, _extra = self._request_for(self.customer, self.customer_contact)
        other, _other_extra = self._request_for(self.other_customer, self.other_contact)
        response = self._open_page("cs_customer", "/my/support")
        self.assertIn(own.name, response.text)
        self.assertNotIn(other.name, response.text)
        response = self.url_open("/my/support?filterby=closed")
        self.assertNotIn(own.name, response.text)
        response = self.url_open("/my/support?filterby=open&sortby=state")
        self.assertIn(own.name, response.text)
        response = self.url_open("/my/support?filterby=junk&sortby=junk")
        self.assertEqual(response.status_code, 200)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["support_request_count"]})
        self.assertEqual(counters["support_request_count"], 1)
        response = self.url_open("/my")
        self.assertIn("/my/support/new", response.text)

    def test_request_page_access(self):
        own, _extra = self._request_for(self.customer, self.customer_contact)
        other, _other_extra = self._request_for(self.other_customer, self.other_contact)
        response = self._open_page("cs_customer", f"/my/support/{own.id}")
        self.assertIn(own.name, response.text)
        self.assertIn("o_portal_chatter", response.text)

        response = self._get(f"/my/support/{other.id}")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        response = self._get(f"/my/support/{other.id}?access_token=wrong")
        self.assertEqual(response.status_code, 303)
        response = self._get("/my/support/999999999")
        self.assertEqual(response.status_code, 303)

        token = other._portal_ensure_token()
        response = self._get(f"/my/support/{other.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(other.name, response.text)
        self.assertNotIn("o_support_extra_accept", response.text, "a token holder cannot accept costs")

        self.logout()
        response = self._get(f"/my/support/{other.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._get(f"/my/support/{other.id}").status_code, 303)

    # ------------------------------------------------------------------
    # extra actions (step 6)
    # ------------------------------------------------------------------

    def _answer(self, support_request, extra, answer, **data):
        return self.url_open(
            f"/my/support/{support_request.id}/extra/{extra.id}/{answer}",
            data={"csrf_token": http.Request.csrf_token(self), **data},
            allow_redirects=False,
        )

    def test_customer_accepts_extra_action(self):
        support_request, extra = self._request_for(self.customer, self.customer_contact)
        self.authenticate("cs_customer", "cs_customer")
        response = self.url_open(f"/my/support/{support_request.id}")
        self.assertIn(f"/my/support/{support_request.id}/extra/{extra.id}/accept", response.text)
        self.assertIn("74.40", response.text)

        response = self._answer(support_request, extra, "accept")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(extra.state, "accepted")
        acceptance = extra.acceptance_id
        self.assertEqual(acceptance.kind, "extra")
        self.assertEqual(acceptance.channel, "portal")
        self.assertEqual(acceptance.accepted_by_id, self.customer_contact)
        self.assertEqual(acceptance.user_id, self.user_customer)
        self.assertAlmostEqual(acceptance.amount_total, 74.40)
        self.assertEqual(acceptance.line_ids.product_id, self.product_db)
        self.assertAlmostEqual(support_request.amount_accepted, 119.04 + 74.40, msg="the extra action counts")
        self.assertEqual(len(support_request.acceptance_ids), 2)

        response = self.url_open(response.headers["Location"])
        self.assertIn("You accepted the extra action", response.text)
        self.assertIn("193.44", response.text)

        # accepting twice is refused: no second acceptance
        response = self._answer(support_request, extra, "accept")
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=extra_answered", response.headers["Location"])
        self.assertEqual(len(support_request.acceptance_ids), 2)
        response = self._answer(support_request, extra, "decline")
        self.assertIn("message=extra_answered", response.headers["Location"])
        self.assertEqual(extra.state, "accepted")

    def test_customer_declines_extra_action(self):
        support_request, extra = self._request_for(self.customer, self.customer_contact)
        self.authenticate("cs_customer", "cs_customer")
        response = self._answer(support_request, extra, "decline")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(extra.state, "refused")
        self.assertFalse(extra.acceptance_id)
        self.assertEqual(len(support_request.acceptance_ids), 1)
        self.assertAlmostEqual(support_request.amount_accepted, 119.04)

    def test_other_customers_extra_action_is_refused(self):
        own, _own_extra = self._request_for(self.customer, self.customer_contact)
        other, other_extra = self._request_for(self.other_customer, self.other_contact)
        self.authenticate("cs_customer", "cs_customer")
        response = self._answer(other, other_extra, "accept")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        # even with the other request's token
        response = self._answer(other, other_extra, "accept", access_token=other._portal_ensure_token())
        self.assertEqual(response.status_code, 404)
        # nor through the customer's own request
        response = self._answer(own, other_extra, "accept")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(other_extra.state, "proposed")
        self.assertEqual(len(other.acceptance_ids), 1)

    def test_extra_answer_needs_login_and_csrf(self):
        support_request, extra = self._request_for(self.customer, self.customer_contact)
        self.authenticate("cs_customer", "cs_customer")
        with mute_logger("odoo.http"):
            response = self._answer(support_request, extra, "accept", csrf_token="wrong")
        self.assertEqual(response.status_code, 400)
        response = self._get(f"/my/support/{support_request.id}/extra/{extra.id}/accept")
        self.assertIn(response.status_code, (404, 405))
        self.logout()
        response = self.url_open(
            f"/my/support/{support_request.id}/extra/{extra.id}/accept",
            data={"access_token": support_request._portal_ensure_token()},
            allow_redirects=False,
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertEqual(extra.state, "proposed")

    # ------------------------------------------------------------------
    # tour
    # ------------------------------------------------------------------

    def test_tour_new_request(self):
        self.start_tour("/my/support/new", "support_request_portal_tour", login="cs_customer")
        support_request = self._requests()
        self.assertEqual(len(support_request), 1)
        self.assertEqual(support_request.channel, "portal")
        self.assertEqual(support_request.fault_id, self.fault)
        self.assertEqual(support_request.state, "to_schedule")
        self.assertAlmostEqual(support_request.amount_accepted, 119.04)
