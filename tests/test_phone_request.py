from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SupportCommon

LANDLINE_FORMATS = ("210 7489589", "+30 210-7489589", "2107489589", "0030 210 7489589", "+302107489589")
MOBILE_FORMATS = ("6912345678", "+30 691 234 5678", "0030 691 234 5678", "(691) 234-5678")


@tagged("post_install", "-at_install")
class TestPhoneRequest(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_phones()
        cls.second_contact = cls.env["res.partner"].create(
            {"name": "Ελένη Παπαδοπούλου", "parent_id": cls.customer.id, "phone": "0030 210 7489500"}
        )
        cls.other_customer.vat = "094014201"
        cls.fault = cls._create_db_fault("F01", location="remote")
        cls.contract = cls._create_current_contract()
        cls.Wizard = cls.env["support.phone.request"].with_user(cls.user_support)

    def _wizard(self, **values):
        return self.Wizard.create(values)

    def _register(self, **values):
        values = {
            "search_term": "2107489589",
            "accepted_by_id": self.customer_contact.id,
            "fault_id": self.fault.id,
            "description": "Δεν ανοίγει η εταιρεία από το πρωί.",
            **values,
        }
        wizard = self._wizard(**values)
        action = wizard.action_register()
        return wizard, action

    # ------------------------------------------------------------------
    # Finding the customer
    # ------------------------------------------------------------------

    def test_lookup_landline_any_greek_format(self):
        for number in LANDLINE_FORMATS:
            with self.subTest(number=number):
                wizard = self._wizard(search_term=number)
                self.assertEqual(wizard.phone_normalized, "+302107489589")
                self.assertEqual(wizard.customer_ids, self.customer)
                self.assertEqual(wizard.partner_id, self.customer, "a single match is chosen")
                self.assertEqual(wizard.contact_ids, self.customer_contact | self.second_contact)

    def test_lookup_mobile_finds_the_caller(self):
        for number in MOBILE_FORMATS:
            with self.subTest(number=number):
                wizard = self._wizard(search_term=number)
                self.assertEqual(wizard.phone_normalized, "+306912345678")
                self.assertEqual(wizard.customer_ids, self.customer, "a contact's phone gives its company")
                self.assertEqual(wizard.partner_id, self.customer)
                self.assertEqual(wizard.accepted_by_id, self.customer_contact, "the caller is proposed")

    def test_lookup_international_stored_number(self):
        wizard = self._wizard(search_term="210 748 9500")
        self.assertEqual(wizard.customer_ids, self.customer)
        self.assertEqual(wizard.accepted_by_id, self.second_contact)

    def test_lookup_by_vat(self):
        for term in ("EL094019245", "094019245", "EL 094 019 245", "el094019245", "094.019.245"):
            with self.subTest(term=term):
                self.assertEqual(self._wizard(search_term=term).customer_ids, self.customer)
        self.assertEqual(self._wizard(search_term="EL094014201").customer_ids, self.other_customer)

    def test_lookup_by_name(self):
        self.assertEqual(self._wizard(search_term="Παπαδόπουλοι").customer_ids, self.customer)
        self.assertEqual(self._wizard(search_term="Ναυτιλιακή").customer_ids, self.other_customer)
        wizard = self._wizard(search_term="ελένη")  # a contact's name, any case
        self.assertEqual(wizard.customer_ids, self.customer)
        self.assertEqual(wizard.accepted_by_id, self.second_contact)
        wizard = self._wizard(search_term="Ε.")  # several companies: the user chooses
        self.assertLessEqual(self.customer | self.other_customer, wizard.customer_ids)
        self.assertFalse(wizard.partner_id)

    def test_lookup_unknown_or_no_term(self):
        for term in ("2109999999", "12", "", "EL999999999"):
            with self.subTest(term=term):
                wizard = self._wizard(search_term=term)
                self.assertFalse(wizard.customer_ids)
                self.assertFalse(wizard.partner_id)

    def test_lookup_uses_the_sanitized_phone(self):
        """A number phone_validation could read (the partner is in Greece) is found by its
        stored E.164 form, however oddly it was typed."""
        partner = self.env["res.partner"].create(
            {
                "name": "Βόρειος Χάλυβας Α.Ε.",
                "is_company": True,
                "country_id": self.env.ref("base.gr").id,
                "phone": "30 2310 123456",
            }
        )
        self.assertEqual(partner.phone_sanitized, "+302310123456")
        self.assertEqual(self._wizard(search_term="2310 123 456").customer_ids, partner)

    def test_form_onchange_flow(self):
        with Form(self.Wizard) as form:
            form.search_term = "+30 691 234 5678"
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.accepted_by_id, self.customer_contact)
            self.assertTrue(form.partner_has_active_contract)
            form.fault_id = self.fault
            self.assertAlmostEqual(form.amount_untaxed, 96.0)
            self.assertAlmostEqual(form.amount_tax, 23.04)
            self.assertAlmostEqual(form.amount_total, 119.04)
            self.assertEqual(len(form.fault_line_ids), 2)
            self.assertEqual(form.location, "remote")
            self.assertEqual(form.user_id, self.user_support)
            form.search_term = "Ναυτιλιακή"
            self.assertEqual(form.partner_id, self.other_customer)
            self.assertEqual(form.accepted_by_id, self.other_contact, "the new customer's only contact")

    def test_form_view_renders(self):
        views = self.Wizard.get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        for name in ("search_term", "partner_id", "fault_id", "accepted_by_id", "accepted_on", "user_id"):
            self.assertIn(f'name="{name}"', arch)
        action = self.env.ref("certified_support.support_phone_request_action")
        self.assertEqual(action.res_model, "support.phone.request")

    # ------------------------------------------------------------------
    # Registering
    # ------------------------------------------------------------------

    def test_register_covered_customer(self):
        accepted_on = fields.Datetime.now().replace(microsecond=0) - timedelta(minutes=10)
        Request = self.env["support.request"]
        before = Request.search([])
        wizard, action = self._register(accepted_on=accepted_on, location="onsite")
        request = Request.search([]) - before
        self.assertEqual(len(request), 1)
        self.assertEqual(action["res_model"], "support.request")
        self.assertEqual(action["res_id"], request.id)
        self.assertEqual(wizard.request_id, request)
        self.assertEqual(request.channel, "phone")
        self.assertEqual(request.partner_id, self.customer)
        self.assertEqual(request.contact_id, self.customer_contact)
        self.assertEqual(request.fault_id, self.fault)
        self.assertEqual(request.location, "onsite")
        self.assertEqual(request.description, "Δεν ανοίγει η εταιρεία από το πρωί.")

        acceptance = request.acceptance_ids
        self.assertEqual(len(acceptance), 1)
        self.assertEqual(acceptance.channel, "phone")
        self.assertEqual(acceptance.user_id, self.user_support, "recorded by the staff member on the phone")
        self.assertEqual(acceptance.accepted_by_id, self.customer_contact)
        self.assertEqual(acceptance.accepted_on, accepted_on, "the time of the call")
        self.assertAlmostEqual(acceptance.amount_total, self.fault.amount_total)
        self._assert_db_fault_accepted(acceptance)

        # Covered by the ESTES: to schedule, with the activity and the e-mail to the account manager.
        self._assert_to_schedule(request)
        mails = self.env["mail.mail"].search([("recipient_ids", "in", self.user_support.partner_id.ids)])
        self.assertEqual(len(mails), 1)
        self.assertIn(request.name, mails.subject)
        self.assertFalse(request.lead_id)

        # A second click opens the same request instead of registering it twice.
        self.assertEqual(wizard.action_register()["res_id"], request.id)
        self.assertEqual(len(Request.search([]) - before), 1)

    def test_register_uncovered_customer_waits_for_contract(self):
        self.other_customer.user_id = self.user_manager
        _wizard, action = self._register(search_term="2310 555123", accepted_by_id=self.other_contact.id)
        request = self.env["support.request"].browse(action["res_id"])
        self.assertEqual(request.partner_id, self.other_customer)
        self.assertEqual(request.state, "waiting_contract")
        self.assertTrue(request.lead_id)
        self.assertEqual(request.lead_id.partner_id, self.other_customer)
        self.assertTrue(request.lead_id.support_estes_activation)
        self.assertFalse(self._activities(request, "certified_support.mail_activity_to_schedule"))
        mails = self.env["mail.mail"].search([("recipient_ids", "in", self.user_manager.partner_id.ids)])
        self.assertEqual(len(mails), 1, "the account manager is told in every case")

    def test_register_errors(self):
        Request = self.env["support.request"]
        before = Request.search_count([])
        cases = {
            "another customer's contact": {"accepted_by_id": self.other_contact.id},
            "no customer found": {"search_term": "2109999999"},
            "no customer chosen": {"search_term": "Ε."},
            "no fault": {"fault_id": False},
            "no contact": {"search_term": "2310 555123", "accepted_by_id": False},
            "the company itself": {"accepted_by_id": self.customer.id},
            "in the future": {"accepted_on": fields.Datetime.now() + timedelta(hours=2)},
        }
        for case, values in cases.items():
            with self.subTest(case=case), self.assertRaises(UserError):
                self._register(**values)
        self.assertEqual(Request.search_count([]), before, "nothing registered")

    def test_error_names_the_contact_and_the_customer(self):
        message = f"{self.other_contact.display_name} is not a contact of {self.customer.display_name}"
        with self.assertRaisesRegex(UserError, message.replace("(", r"\(").replace(")", r"\)")):
            self._register(accepted_by_id=self.other_contact.id)

    def test_installation_of_another_customer_refused(self):
        product = self.env["product.product"].create({"name": "Πήγασος ERP", "type": "consu"})
        installation = self.env["support.installation"].create(
            {"partner_id": self.other_customer.id, "product_id": product.id}
        )
        with self.assertRaises(UserError):
            self._register(installation_id=installation.id)

    def test_portal_user_cannot_use_the_wizard(self):
        for user in (self.user_customer, self.user_technician):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["support.phone.request"].with_user(user).create({"search_term": "2107489589"})
