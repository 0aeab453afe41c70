from datetime import datetime

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportRequest(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fault = cls._create_db_fault("F01")
        cls._certify_technicians(cls.technician)
        with freeze_time("2026-03-10"):
            cls.contract = cls._create_contract(state="active")

    def _new_request(self, partner=None, contact=None, channel="phone", user=None):
        env = self.env(user=user or self.user_support)
        partner = partner or self.customer
        request = env["support.request"].create(
            {
                "partner_id": partner.id,
                "contact_id": (contact or partner.child_ids[:1]).id,
                "fault_id": self.fault.id,
                "channel": channel,
                "description": "Το πρόγραμμα δεν συνδέεται από το πρωί.",
            }
        )
        request._register_request(request.contact_id or partner)
        return request

    def _mails_to(self, partner):
        return self.env["mail.mail"].search([("recipient_ids", "in", partner.ids)])

    @freeze_time("2026-03-10")
    def test_covered_customer_goes_to_schedule_with_activity_and_mail(self):
        request = self._new_request()
        self.assertTrue(request.name.startswith("RV/2026/"))
        self._assert_to_schedule(request)
        self.assertEqual(request.contract_id, self.contract, "the gate's decision and its evidence")
        self.assertEqual(request.user_id, self.user_support, "account manager = the customer's salesperson")
        mail = self._mails_to(self.user_support.partner_id)
        self.assertEqual(len(mail), 1, "the account manager always gets an e-mail")
        self.assertIn(request.name, mail.subject)
        self.assertIn(f"/odoo/support-requests/{request.id}", mail.body_html)
        self.assertFalse(request.lead_id)

    @freeze_time("2026-03-10")
    def test_activity_is_complete_and_its_note_escaped(self):
        """The activities are inserted in one statement: every field a create would set."""
        self.customer_contact.name = "Γιώργος <b>Παπαδόπουλος</b>"
        request = self._new_request()
        activity = request.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.res_model, "support.request")
        self.assertEqual(activity.res_name, request.name)
        # the activity type's delay (one day, which the vendor may change), as activity_schedule
        self.assertEqual(activity.activity_type_id.delay_count, 1)
        self.assertEqual(activity.date_deadline, fields.Date.to_date("2026-03-11"))
        self.assertEqual(activity.state, "planned")
        self.assertTrue(activity.automated)
        self.assertEqual(activity.summary, activity.activity_type_id.summary or False)
        self.assertIn("&lt;b&gt;Παπαδόπουλος&lt;/b&gt;", activity.note, "a customer's name is text, not HTML")
        self.assertNotIn("<b>", activity.note)
        self.assertEqual(request.activity_user_id, self.user_support)
        self.assertIn(self.user_support.partner_id, request.message_partner_ids, "the account manager follows it")
        self.assertEqual(
            self.env["mail.activity"].with_user(self.user_support).search_count([("res_id", "=", request.id)]),
            1,
            "the account manager sees it",
        )

    @freeze_time("2026-03-10")
    def test_activity_of_a_customer_without_account_manager(self):
        self.customer.user_id = False
        # From the portal (as the controller does: the customer's user, in sudo): the admin.
        request = (
            self.env(user=self.user_customer)["support.request"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "contact_id": self.customer_contact.id,
                    "fault_id": self.fault.id,
                    "channel": "portal",
                    "description": "Δεν τυπώνει τιμολόγια.",
                }
            )
        )
        request._register_request(self.customer_contact)
        self.assertFalse(request.user_id)
        self.assertEqual(request.activity_ids.user_id, self.env.ref("base.user_admin"), "not the portal user")
        # By phone: the staff member who took the call.
        phone = self._new_request()
        self.assertEqual(phone.activity_ids.user_id, self.user_support)

    @freeze_time("2026-03-10")
    def test_acceptance_records_what_was_accepted(self):
        request = self._new_request(channel="phone")
        acceptance = request.acceptance_ids
        self.assertEqual(len(acceptance), 1)
        self.assertEqual(acceptance.accepted_by_id, self.customer_contact)
        self.assertEqual(acceptance.user_id, self.user_support, "recorded by the staff member on the phone")
        self.assertEqual(acceptance.channel, "phone")
        self.assertEqual(acceptance.fault_id, self.fault)
        self.assertEqual(acceptance.accepted_on, datetime(2026, 3, 10))
        self.assertAlmostEqual(acceptance.amount_untaxed, 96.0)
        self.assertAlmostEqual(acceptance.amount_total, 119.04)
        self.assertEqual(acceptance.currency_id, self.company.currency_id)
        self.assertEqual(acceptance.line_ids.mapped("price_unit"), [36.0, 60.0])
        self.assertAlmostEqual(request.amount_accepted, 119.04)

        # Later price changes in the catalogue do not touch what was accepted.
        self.fault.line_ids[0].price_unit = 99.0
        self.assertEqual(acceptance.line_ids.mapped("price_unit"), [36.0, 60.0])
        self.assertAlmostEqual(acceptance.amount_total, 119.04)

    @freeze_time("2026-03-10")
    def test_acceptance_is_immutable_for_every_role(self):
        request = self._new_request()
        acceptance = request.acceptance_ids
        for user in (self.user_support, self.user_manager, self.user_accountant, self.user_customer):
            with self.subTest(user=user.login):
                with self.assertRaises(UserError):  # AccessError is a UserError too
                    acceptance.with_user(user).write({"amount_total": 1.0})
                with self.assertRaises(UserError):  # AccessError is a UserError too
                    acceptance.with_user(user).unlink()
                with self.assertRaises(UserError):  # AccessError is a UserError too
                    acceptance.line_ids[0].with_user(user).write({"price_unit": 1.0})
                with self.assertRaises(UserError):  # AccessError is a UserError too
                    acceptance.line_ids.with_user(user).unlink()
        with self.assertRaises(UserError):
            acceptance.sudo().write({"accepted_by_id": self.other_contact.id})
        with self.assertRaises(UserError):
            request.with_user(self.user_manager).unlink()
        self.assertAlmostEqual(acceptance.amount_total, 119.04)

    @freeze_time("2026-03-10")
    def test_cancel_keeps_the_acceptance_with_the_reason(self):
        request = self._new_request()
        reason = "Ο πελάτης έλυσε μόνος του το πρόβλημα."
        Cancel = self.env["support.request.cancel"].with_user(self.user_support)
        Cancel.create({"request_ids": [Command.set(request.ids)], "reason": reason}).action_confirm()
        self.assertEqual(request.state, "cancelled")
        acceptance = request.acceptance_ids
        self.assertEqual(acceptance.state, "cancelled")
        self.assertEqual(acceptance.cancel_reason, reason)
        self.assertEqual(acceptance.cancel_user_id, self.user_support)
        self.assertAlmostEqual(acceptance.amount_total, 119.04, "the evidence is kept")
        self.assertFalse(self._activities(request, "certified_support.mail_activity_to_schedule"))
        with self.assertRaises(UserError):
            request.acceptance_ids._cancel("again")

    @freeze_time("2026-03-10")
    def test_contract_gate_transitions_check_where_the_request_is(self):
        """The contract gate's transitions leave from the states they are drawn from only,
        whoever calls them: a scheduled request neither waits for a contract nor is refused
        for the lack of one, a refused one does not go back to scheduling."""
        scheduled = self._new_request()
        self.assertEqual(scheduled.state, "to_schedule")
        for transition in (scheduled._wait_for_contract, scheduled._refuse_without_contract):
            with self.subTest(transition=transition.__name__), self.assertRaises(UserError):
                transition()
        self.assertEqual(scheduled.state, "to_schedule")
        waiting = self._new_request(partner=self.other_customer, contact=self.other_contact)
        self.assertEqual(waiting.state, "waiting_contract")
        waiting._refuse_without_contract()
        self.assertEqual(waiting.state, "refused")
        for transition in (waiting._set_to_schedule, waiting._wait_for_contract, waiting._refuse_without_contract):
            with self.subTest(transition=transition.__name__), self.assertRaises(UserError):
                transition()
        self.assertEqual(waiting.state, "refused")

    @freeze_time("2026-03-10")
    def test_uncovered_customer_waits_on_one_opportunity_then_goes_on(self):
        first = self._new_request(partner=self.other_customer, contact=self.other_contact)
        self.assertEqual(first.state, "waiting_contract")
        lead = first.lead_id
        self.assertTrue(lead)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.partner_id, self.other_customer)
        self.assertTrue(lead.support_estes_activation)
        second = self._new_request(partner=self.other_customer, contact=self.other_contact)
        self.assertEqual(second.lead_id, lead, "the open opportunity is reused")
        self.assertEqual(lead.support_request_ids, first | second)

        contract = self._create_contract(partner=self.other_customer)
        self.assertEqual(first.state, "waiting_contract", "a draft contract changes nothing")
        self.assertFalse(first.contract_id)
        contract.with_user(self.user_support).action_activate()
        self.assertEqual((first | second).mapped("state"), ["to_schedule", "to_schedule"])
        self.assertEqual(len(first.activity_ids), 1)
        self.assertEqual((first | second).contract_id, contract, "the contract that let them go on is kept")
        self.assertEqual(lead.won_status, "won", "the opportunity reached its goal: it is not left open")

    @freeze_time("2026-03-10")
    def test_lost_opportunity_refuses_and_tells_the_customer(self):
        request = self._new_request(partner=self.other_customer, contact=self.other_contact)
        salesman = self.env["res.users"].create(
            {
                "name": "Πωλητής",
                "login": "cs_salesman",
                "group_ids": [Command.set(self.env.ref("sales_team.group_sale_salesman_all_leads").ids)],
            }
        )
        request.lead_id.with_user(salesman).action_set_lost()
        self.assertEqual(request.state, "refused")
        mails = self._mails_to(self.other_contact)
        self.assertEqual(len(mails), 2, "the acknowledgement of the registration, then the refusal")
        mail = mails.filtered(lambda m: "ESTES" in m.subject)
        self.assertEqual(len(mail), 1)
        self.assertIn("cannot support", mail.body_html)

    @freeze_time("2026-03-10")
    def test_refusal_notice_in_greek_for_a_greek_customer(self):
        self.env["res.lang"]._activate_lang("el_GR")
        self.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        self.other_contact.lang = "el_GR"
        request = self._new_request(partner=self.other_customer, contact=self.other_contact)
        request.lead_id.with_env(self.env).action_set_lost()
        mail = self._mails_to(self.other_contact).filtered(lambda m: "ΕΣΤΕΣ" in m.subject)
        self.assertEqual(len(mail), 1)
        self.assertIn("σύμβαση ΕΣΤΕΣ", mail.subject)

    def test_schedule_creates_the_meeting_and_moves_on(self):
        with freeze_time("2026-03-10"):
            request = self._new_request()
            wizard = (
                self.env["support.request.schedule"]
                .with_user(self.user_support)
                .with_context(default_request_id=request.id)
                .create({"start": "2026-03-12 08:00:00", "technician_id": self.technician.id})
            )
            self.assertEqual(wizard.duration, 2.0, "the catalogue's hours")
            self.assertIn(self.technician, wizard.allowed_technician_ids)
            self.assertNotIn(self.customer_contact, wizard.allowed_technician_ids)
            wizard.action_confirm()
        event = request.event_id
        self.assertEqual(request.state, "scheduled")
        self.assertEqual(request.technician_id, self.technician)
        self.assertEqual(request.firm_id, self.firm)
        self.assertEqual(event.partner_ids, self.customer_contact | self.technician | self.user_support.partner_id)
        self.assertEqual(str(event.start), "2026-03-12 08:00:00")
        self.assertEqual(str(event.stop), "2026-03-12 10:00:00")
        self.assertEqual((event.res_model, event.res_id), ("support.request", request.id))
        self.assertFalse(self._activities(request, "certified_support.mail_activity_to_schedule"))
        invitations = self.env["mail.mail"].search(
            [("subject", "ilike", "Invitation"), ("model", "=", "calendar.event")]
        )
        self.assertTrue(invitations.filtered(lambda m: self.technician in m.recipient_ids))
        self.assertTrue(invitations.filtered(lambda m: self.customer_contact in m.recipient_ids))
        self.assertTrue(any(a.name.endswith(".ics") for a in invitations.attachment_ids))

        # Rescheduling moves the same meeting.
        with freeze_time("2026-03-10"):
            self.env["support.request.schedule"].with_user(self.user_support).with_context(
                default_request_id=request.id
            ).create({"start": "2026-03-13 09:00:00"}).action_confirm()
        self.assertEqual(request.event_id, event)
        self.assertEqual(str(event.start), "2026-03-13 09:00:00")
        moved = self.env["mail.mail"].search([("subject", "ilike", "Date updated"), ("model", "=", "calendar.event")])
        self.assertTrue(moved.filtered(lambda m: self.technician in m.recipient_ids), "the technician is told")
        self.assertTrue(moved.filtered(lambda m: self.customer_contact in m.recipient_ids), "the customer is told")

    @freeze_time("2026-03-10")
    def test_a_used_fault_is_archived_not_deleted(self):
        self._new_request()
        with self.assertRaisesRegex(UserError, "archive it instead"):
            self.fault.with_user(self.user_manager).unlink()
        self.fault.with_user(self.user_manager).action_archive()
        self.assertFalse(self.fault.active)
        unused = self.fault.copy({"code": "F99"})
        unused.with_user(self.user_manager).unlink()
        self.assertFalse(unused.exists())

    @freeze_time("2026-03-10")
    def test_only_technicians_of_the_partner_section_can_be_assigned(self):
        request = self._new_request()
        with self.assertRaises(ValidationError):
            request.technician_id = self.customer_contact
        not_a_user = self._create_technician("Τεχνικός χωρίς πρόσβαση", self.firm)
        with self.assertRaises(ValidationError):
            request.technician_id = not_a_user

    @freeze_time("2026-03-10")
    def test_extra_action_counts_only_once_accepted(self):
        request = self._new_request()
        extra = self.env["support.request.extra"].create(
            {"request_id": request.id, "product_id": self.product_remote.id, "quantity": 2.0}
        )
        self.assertAlmostEqual(extra.price_total, 89.28)
        self.assertAlmostEqual(request.amount_accepted, 119.04, "a proposal is not accepted yet")
        extra.with_user(self.user_support).action_accept_by_phone()
        self.assertEqual(extra.state, "accepted")
        self.assertEqual(extra.acceptance_id.kind, "extra")
        self.assertEqual(extra.acceptance_id.channel, "phone")
        self.assertEqual(extra.acceptance_id.user_id, self.user_support)
        self.assertAlmostEqual(request.amount_accepted, 119.04 + 89.28)
        with self.assertRaises(UserError):
            extra.quantity = 5
        with self.assertRaises(UserError):
            extra.unlink()

        refused = self.env["support.request.extra"].create(
            {"request_id": request.id, "product_id": self.product_db.id, "quantity": 1.0}
        )
        refused._refuse()
        self.assertAlmostEqual(request.amount_accepted, 119.04 + 89.28, "refused actions never count")
        with self.assertRaises(UserError):
            refused._accept(self.customer_contact, "portal")

    @freeze_time("2026-03-10")
    def test_who_sees_which_request(self):
        mine = self._new_request()
        other = self._new_request(partner=self.other_customer, contact=self.other_contact)
        Request = self.env["support.request"]
        self.assertEqual(Request.with_user(self.user_customer).search([]), mine)
        self.assertEqual(Request.with_user(self.user_other_customer).search([]), other)
        self.assertFalse(Request.with_user(self.user_technician).search([]), "nothing assigned yet")
        mine.technician_id = self.technician
        self.assertEqual(Request.with_user(self.user_technician).search([]), mine)
        self.assertEqual(Request.with_user(self.user_firm_manager).search([]), mine, "the firm's requests")
        with self.assertRaises(AccessError):
            other.with_user(self.user_technician).read(["name"])
        with self.assertRaises(AccessError):
            mine.with_user(self.user_customer).write({"description": "x"})
        self.assertEqual(self.env["support.acceptance"].with_user(self.user_customer).search([]), mine.acceptance_ids)
        self.assertEqual(self.env["support.acceptance"].with_user(self.user_technician).search([]), mine.acceptance_ids)
