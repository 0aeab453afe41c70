import re

from odoo.exceptions import UserError
from odoo.http import Request
from odoo.tests import tagged

from .common import FIRM_MANAGER, SupportHttpCommon


@tagged("post_install", "-at_install")
class TestPartnerNetworkPortal(SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._certify_technicians(cls.technician)
        cls.candidate = cls._create_technician("Στέλιος Καραμανλής", cls.firm)
        # Another IT firm, with its own technician and manager
        cls.firm_b = cls._create_firm("Βορεινή Πληροφορική Α.Ε.")
        cls.technician_b = cls._create_technician("Θεόδωρος Ξενάκης", cls.firm_b)
        cls.manager_b = cls._create_technician("Άρης Μπέης", cls.firm_b, "cs_firm_b_manager", FIRM_MANAGER)
        cls.env["support.cooperation.contract"].create(
            {"firm_id": cls.firm_b.id, "date_start": "2020-01-01"}
        ).action_activate()
        # A rating of firm A's technician
        fault = cls._create_fault("F09", "Printer queue")
        cls.rated_request = cls.env["support.request"].create(
            {
                "partner_id": cls.customer.id,
                "contact_id": cls.customer_contact.id,
                "fault_id": fault.id,
                "technician_id": cls.technician.id,
            }
        )
        cls.rated_request._register_request(cls.customer_contact)
        cls.a1_form = cls.env["support.a1.form"].create(
            {"request_id": cls.rated_request.id, "date_start": "2026-03-12 08:00:00", "date_end": "2026-03-12 09:00:00"}
        )
        cls.a1_form.action_file()
        cls.env["rating.rating"].create(
            {
                "res_model_id": cls.env["ir.model"]._get_id("support.request"),
                "res_id": cls.rated_request.id,
                "partner_id": cls.customer_contact.id,
                "rated_partner_id": cls.technician.id,
                "rating": 5,
                "feedback": "Άψογη εξυπηρέτηση",
                "consumed": True,
            }
        )

    def _propose(self, technician_id, csrf=True):
        data = {"technician_id": technician_id}
        if csrf:
            data["csrf_token"] = Request.csrf_token(self)
        return self.url_open("/my/partner/scorecard/propose", data=data)

    def test_firm_manager_sees_the_firms_scorecard(self):
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        response = self.url_open("/my/partner")
        self.assertIn("/my/partner/scorecard", response.text, "linked from the partner section")

        response = self.url_open("/my/partner/scorecard")
        self.assertEqual(response.status_code, 200)
        page = response.text
        for name in (self.technician.name, self.firm_manager.name, self.candidate.name):
            self.assertIn(name, page)
        self.assertIn("Certified", page)
        self.assertIn("no academy session attended since", page, "the reasons of the others")
        self.assertIn("share of happy ratings (4 or 5 out of 5)", page, "the definition next to the figure")
        self.assertIn("100.0", page, "the one rating is happy")
        self.assertIn("Άψογη εξυπηρέτηση", page)
        self.assertIn(self.rated_request.name, page)
        self.assertNotIn(self.technician_b.name, page)
        self.assertNotIn(self.firm_b.name, page)
        a1_text = " ".join(re.search(r'id="scorecard_a1_forms">(.*?)</p>', page, re.S).group(1).split())
        self.assertIn("<strong>0</strong> signed, <strong>1</strong> waiting", a1_text)

    def test_no_other_firms_data_whatever_the_parameters(self):
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        for url in (
            f"/my/partner/scorecard?firm_id={self.firm_b.id}",
            f"/my/partner/scorecard?firm={self.firm_b.id}&technician_id={self.technician_b.id}",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn(self.technician.name, response.text)
                self.assertNotIn(self.technician_b.name, response.text)

        response = self._open_page("cs_firm_b_manager", f"/my/partner/scorecard?firm_id={self.firm.id}")
        self.assertIn(self.technician_b.name, response.text)
        self.assertNotIn(self.technician.name, response.text)
        self.assertNotIn("Άψογη εξυπηρέτηση", response.text, "another firm's ratings")
        a1_text = " ".join(re.search(r'id="scorecard_a1_forms">(.*?)</p>', response.text, re.S).group(1).split())
        self.assertIn("<strong>0</strong> signed, <strong>0</strong> waiting", a1_text, "another firm's A1 Forms")

    def test_scorecard_is_for_firm_managers_only(self):
        for login in ("cs_technician", "cs_customer"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                self.assertEqual(self.url_open("/my/partner/scorecard").status_code, 404)
                self.assertEqual(self._propose(self.candidate.id).status_code, 404)
        self.assertEqual(self.candidate.support_proposal_state, "none")
        self.authenticate(None, None)
        response = self.url_open("/my/partner/scorecard", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303), "to the login page")

    def test_firm_manager_proposes_a_technician(self):
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        response = self._propose(self.candidate.id)
        self.assertEqual(response.status_code, 200)
        self.assertIn("The technician was proposed", response.text)
        self.assertEqual(self.candidate.support_proposal_state, "proposed")
        self.assertEqual(self.candidate.support_proposed_by_id, self.user_firm_manager)
        self.assertTrue(self.candidate.support_proposal_date)
        self.assertFalse(self.candidate.support_certified, "proposed is not approved")

        # The support manager decides in the backend; the academy is still missing.
        with self.assertRaisesRegex(UserError, "no academy session attended since"):
            self.candidate.with_user(self.user_manager).action_support_approve_certification()
        self.candidate.with_user(self.user_manager).action_support_reject_certification()
        self.assertEqual(self.candidate.support_proposal_state, "rejected")
        self.assertIn("Rejected", self.url_open("/my/partner/scorecard").text)

    def test_proposals_that_are_refused(self):
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        for technician_id, error in (
            (self.technician_b.id, "only the technicians of your own firm"),
            (self.customer_contact.id, "only the technicians of your own firm"),
            ("abc", "only the technicians of your own firm"),
            (self.firm.id, "only the technicians of your own firm"),
            (self.technician.id, "already proposed or approved"),
        ):
            with self.subTest(technician_id=technician_id):
                response = self._propose(technician_id)
                self.assertEqual(response.status_code, 200)
                self.assertIn("alert-danger", response.text)
                self.assertIn(error, response.text)
        self.assertEqual(self.technician_b.support_proposal_state, "none")

        response = self._propose(self.candidate.id, csrf=False)
        self.assertEqual(response.status_code, 400, "no CSRF token, no proposal")
        self.assertEqual(self.candidate.support_proposal_state, "none")

        # An IT firm without an active cooperation contract cannot propose.
        self.env["support.cooperation.contract"].search([("firm_id", "=", self.firm.id)]).action_terminate()
        response = self._propose(self.candidate.id)
        self.assertIn("only while it holds an active cooperation contract", response.text)
        self.assertEqual(self.candidate.support_proposal_state, "none")
        self.assertNotIn("Propose for certification", self.url_open("/my/partner/scorecard").text)
