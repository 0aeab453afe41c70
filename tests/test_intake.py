from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.certified_support.models.support_request import SupportIntakeError

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestIntake(SupportCommon):
    """support.request._intake: the one place that says what a valid request is, called by
    the portal (the customer's user) and the phone wizard (the support team)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fault = cls._create_db_fault("IN01", location="remote")
        cls.fault_both = cls._create_fault("IN02", "Printer does not print", location="both")
        cls.fault_archived = cls._create_fault("IN03", "Old fault", active=False)
        other_company = cls.env["res.company"].create({"name": "Άλλος Προμηθευτής Α.Ε."})
        cls.fault_other_company = cls._create_fault("IN04", "Another vendor's fault", company_id=other_company.id)
        cls.contract = cls._create_current_contract()
        Installation = cls.env["support.installation"]
        cls.installation = Installation.create(
            {"partner_id": cls.customer.id, "product_id": cls.product_estes.id, "version": "v9"}
        )
        cls.other_installation = Installation.create(
            {"partner_id": cls.other_customer.id, "product_id": cls.product_estes.id, "version": "v7"}
        )

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _intake_values(self, **overrides):
        return {
            "customer": self.customer,
            "accepted_by": self.customer_contact,
            "fault": self.fault,
            "amount_total": self.fault.amount_total,
            "description": "Το λογιστικό δεν συνδέεται με τη βάση από το πρωί.",
            "location": "remote",
            **overrides,
        }

    def _intake(self, channel, user=None, registered_by=None, **overrides):
        user = user or (self.user_customer if channel == "portal" else self.user_support)
        Request = self.env["support.request"].with_user(user)
        return Request._intake(channel, registered_by or user, self._intake_values(**overrides))

    def _refusal(self, channel, **overrides):
        """The errors by field of an intake that must be refused, and nothing registered."""
        before = self.env["support.request"].search_count([])
        with self.assertRaises(SupportIntakeError) as caught:
            self._intake(channel, **overrides)
        self.assertEqual(self.env["support.request"].search_count([]), before, "nothing registered")
        self.assertEqual(str(caught.exception), next(iter(caught.exception.errors.values())))
        return caught.exception.errors

    # ------------------------------------------------------------------
    # registering
    # ------------------------------------------------------------------

    def test_portal_intake_registers_as_the_customer(self):
        day = fields.Date.today() + timedelta(days=3)
        support_request = self._intake(
            "portal",
            installation=self.installation,
            desired_date_from=day,
            desired_date_to=day + timedelta(days=2),
            ip_address="203.0.113.7",
            submission_token="t" * 32,
        )
        self.assertEqual(support_request.env.user, self.user_customer, "returned in the customer's environment")
        self.assertFalse(support_request.env.su)
        self.assertEqual(support_request.channel, "portal")
        self.assertEqual(support_request.partner_id, self.customer)
        self.assertEqual(support_request.contact_id, self.customer_contact)
        self.assertEqual(support_request.installation_id, self.installation)
        self.assertEqual(support_request.desired_date_to, day + timedelta(days=2))
        self.assertEqual(support_request.state, "to_schedule", "covered by the ESTES")
        acceptance = support_request.sudo().acceptance_ids
        self.assertEqual(acceptance.channel, "portal")
        self.assertEqual(acceptance.user_id, self.user_customer, "recorded as the customer's user, not sudo")
        self.assertEqual(acceptance.accepted_by_id, self.customer_contact)
        self.assertEqual(acceptance.ip_address, "203.0.113.7")
        self.assertAlmostEqual(acceptance.amount_total, 119.04)
        self.assertEqual(support_request.sudo().submission_token, "t" * 32)
        # The customer's user may not create a request by itself: only the intake does, checked.
        with self.assertRaises(AccessError):
            self.env["support.request"].with_user(self.user_customer).create(
                {"partner_id": self.customer.id, "fault_id": self.fault.id}
            )

    def test_phone_intake_registers_as_the_support_team(self):
        accepted_on = fields.Datetime.now().replace(microsecond=0) - timedelta(hours=1)
        support_request = self._intake("phone", location="onsite", accepted_on=accepted_on)
        self.assertEqual(support_request.channel, "phone")
        self.assertEqual(support_request.location, "onsite", "on the phone the support team decides the place")
        acceptance = support_request.acceptance_ids
        self.assertEqual(acceptance.user_id, self.user_support)
        self.assertEqual(acceptance.accepted_on, accepted_on, "the time of the call")
        self.assertEqual(support_request.state, "to_schedule")

    def test_location_defaults_to_the_only_place_of_the_fault(self):
        for channel in ("portal", "phone"):
            with self.subTest(channel=channel):
                self.assertEqual(self._intake(channel, location=False).location, "remote")

    # ------------------------------------------------------------------
    # the same rules on both channels
    # ------------------------------------------------------------------

    def test_both_channels_give_the_same_refusal(self):
        today = fields.Date.today()
        cases = {
            "archived fault": ("fault_id", {"fault": self.fault_archived}),
            "another company's fault": ("fault_id", {"fault": self.fault_other_company}),
            "price changed": ("amount_total", {"amount_total": 1.0}),
            "price unknown": ("amount_total", {"amount_total": None}),
            "a day in the past": ("desired_date_from", {"desired_date_from": today - timedelta(days=1)}),
            "a day after a year": ("desired_date_to", {"desired_date_to": today + timedelta(days=400)}),
            "days reversed": (
                "desired_date_to",
                {"desired_date_from": today + timedelta(days=5), "desired_date_to": today + timedelta(days=3)},
            ),
        }
        for case, (field, values) in cases.items():
            with self.subTest(case=case):
                portal = self._refusal("portal", **values)
                phone = self._refusal("phone", **values)
                self.assertEqual(list(portal), [field])
                self.assertEqual(portal, phone, "the same refusal, in the same words")
        self.assertIn(
            "This fault is not in the catalogue any more",
            self._refusal("portal", fault=self.fault_archived)["fault_id"],
        )
        self.assertIn("119.04", self._refusal("phone", amount_total=1.0)["amount_total"], "the current cost is told")

    def test_another_customers_installation_is_refused_on_both_channels(self):
        portal = self._refusal("portal", installation=self.other_installation)
        phone = self._refusal("phone", installation=self.other_installation)
        self.assertEqual(list(portal), ["installation_id"])
        self.assertEqual(list(phone), ["installation_id"])
        self.assertEqual(portal["installation_id"], "Choose one of your installations.")
        self.assertNotIn(self.other_customer.name, portal["installation_id"], "no other customer's name")
        self.assertIn(self.other_installation.display_name, phone["installation_id"])

    def test_every_refused_field_is_told(self):
        today = fields.Date.today()
        errors = self._refusal(
            "portal",
            description="  ",
            desired_date_from=today - timedelta(days=2),
            location="onsite",
            amount_total=0.0,
        )
        self.assertEqual(set(errors), {"description", "desired_date_from", "location", "amount_total"})
        self.assertEqual(errors["location"], "This fault is handled only remotely.")

    # ------------------------------------------------------------------
    # rules of one channel
    # ------------------------------------------------------------------

    def test_portal_rules(self):
        self.assertEqual(self._refusal("portal", description="")["description"], "Describe the problem in a few words.")
        self.assertEqual(
            self._refusal("portal", fault=self.env["support.fault"])["fault_id"], "Choose the reason for your request."
        )
        self.assertEqual(
            self._refusal("portal", fault=self.fault_both, amount_total=self.fault_both.amount_total, location=False)[
                "location"
            ],
            "Choose on site or remote support.",
        )
        # The customer accepts the cost now, whatever time is passed.
        support_request = self._intake("portal", accepted_on=fields.Datetime.now() - timedelta(days=60))
        self.assertAlmostEqual(
            support_request.sudo().acceptance_ids.accepted_on, fields.Datetime.now(), delta=timedelta(minutes=1)
        )

    def test_phone_rules(self):
        now = fields.Datetime.now()
        cases = {
            "no customer": ("partner_id", {"customer": self.env["res.partner"], "accepted_by": self.customer_contact}),
            "no fault": ("fault_id", {"fault": self.env["support.fault"]}),
            "no contact": ("accepted_by_id", {"accepted_by": self.env["res.partner"]}),
            "another customer's contact": ("accepted_by_id", {"accepted_by": self.other_contact}),
            "the company itself": ("accepted_by_id", {"accepted_by": self.customer}),
            "accepted in the future": ("accepted_on", {"accepted_on": now + timedelta(hours=2)}),
            "accepted too long ago": ("accepted_on", {"accepted_on": now - timedelta(days=40)}),
        }
        for case, (field, values) in cases.items():
            with self.subTest(case=case):
                self.assertEqual(list(self._refusal("phone", **values)), [field])
        message = self._refusal("phone", accepted_by=self.other_contact)["accepted_by_id"]
        self.assertEqual(
            message,
            f"{self.other_contact.display_name} is not a contact of {self.customer.display_name}: "
            "the cost must be accepted by the customer.",
        )
        # The customer needs no description on the phone.
        self.assertTrue(self._intake("phone", description=False))

    # ------------------------------------------------------------------
    # who registers for whom
    # ------------------------------------------------------------------

    def test_who_may_register_for_whom(self):
        plain_user = new_test_user(self.env, "cs_plain_internal", groups="base.group_user")
        cases = {
            "a customer for another company": ("portal", self.user_customer, None, {"customer": self.other_customer}),
            "a customer accepting for another person": (
                "portal",
                self.user_customer,
                None,
                {"accepted_by": self.env["res.partner"].create({"name": "Άλλη Επαφή", "parent_id": self.customer.id})},
            ),
            "a customer on the phone channel": ("phone", self.user_customer, None, {}),
            "the support team on the portal channel": ("portal", self.user_support, None, {}),
            "an internal user outside the support team": ("phone", plain_user, None, {}),
            "someone else named as the one who registers": ("phone", self.user_support, self.user_manager, {}),
            "a customer naming another customer's user": ("portal", self.user_customer, self.user_other_customer, {}),
        }
        before = self.env["support.request"].search_count([])
        for case, (channel, user, registered_by, values) in cases.items():
            with self.subTest(case=case), self.assertRaises(AccessError):
                self._intake(channel, user=user, registered_by=registered_by, **values)
        self.assertEqual(self.env["support.request"].search_count([]), before)
        with self.assertRaises(ValueError):
            self._intake("email")

    def test_refusals_are_user_errors(self):
        """The phone wizard shows them as they are (a UserError dialog)."""
        with self.assertRaises(UserError):
            self._intake("phone", fault=self.fault_archived)
