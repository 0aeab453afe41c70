from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestCertification(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_certified_technician()
        cls.fault = cls._create_fault("F07", "Backup does not run")
        cls.request_model = cls.env["ir.model"]._get("support.request")

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def _request(self):
        return self.env["support.request"].create(
            {
                "partner_id": self.customer.id,
                "contact_id": self.customer_contact.id,
                "fault_id": self.fault.id,
            }
        )

    def _ratings(self, technician, scores, request=None):
        """Customers' ratings of ``technician`` for an RV request, as the rating flow leaves them."""
        request = request or self._request()
        return self.env["rating.rating"].create(
            [
                {
                    "res_model_id": self.request_model.id,
                    "res_id": request.id,
                    "partner_id": self.customer_contact.id,
                    "rated_partner_id": technician.id,
                    "rating": score,
                    "consumed": True,
                }
                for score in scores
            ]
        )

    def _new_technician(self, firm=None, name="Σταύρος Οικονόμου", with_user=True):
        technician = self._create_technician(name, firm or self.firm)
        if with_user:
            self.env["res.users"].create(
                {
                    "name": name,
                    "login": f"tech_{technician.id}",
                    "partner_id": technician.id,
                    "group_ids": [Command.set(self.env.ref("certified_support.group_support_technician").ids)],
                }
            )
        return technician

    def _assert_not_certified(self, technician, *reasons):
        self.assertFalse(technician.support_certified)
        for reason in reasons:
            self.assertIn(reason, technician.support_certification_reasons)

    # ------------------------------------------------------------------
    # conditions
    # ------------------------------------------------------------------

    def test_certified_when_every_condition_holds(self):
        self.assertTrue(self.technician.support_certified)
        self.assertFalse(self.technician.support_certification_reasons)
        self.assertTrue(self.technician.support_certified_since)
        self.assertEqual(self.technician.support_active_installation_count, 5)
        self.assertTrue(self.technician.support_academy_last_date)
        self.assertTrue(self.technician.support_has_cooperation_contract)
        self.assertEqual(
            self.env["res.partner"].search(
                [("id", "in", (self.technician | self.firm_manager).ids), ("support_certified", "=", True)]
            ),
            self.technician,
            "the status is stored and searchable",
        )

    def test_figures_on_partner_forms(self):
        with Form(self.env["res.partner"]) as form:
            form.name = "Νέος Τεχνικός"
            form.parent_id = self.firm
            form.is_support_technician = True
            self.assertEqual(form.support_active_installation_count, 0, "a new record has no figures yet")
        self.assertEqual(form.record.support_active_installation_count, 5, "the firm's installations")
        with Form(self.firm) as form:
            self.assertEqual(form.support_active_installation_count, 5)
            self.assertTrue(form.support_has_cooperation_contract)

    def test_every_condition_fails_for_a_new_technician_then_holds_one_by_one(self):
        firm = self._create_firm("Νέα Πληροφορική Α.Ε.")
        technician = self._new_technician(firm)
        self._assert_not_certified(
            technician,
            "0 of 5 active installations",
            "no academy session attended since",
            "no active cooperation contract",
            "not approved by the vendor",
        )
        self.assertEqual(len(technician.support_certification_reasons.splitlines()), 4)
        self.assertNotIn("satisfaction", technician.support_certification_reasons, "no ratings yet count as satisfied")

        # Everything but the approval: still not certified.
        self.env["support.installation"].create(
            [{"partner_id": self.customer.id, "product_id": self.product_estes.id, "firm_id": firm.id}] * 5
        )
        self.assertNotIn("installations", technician.support_certification_reasons)
        event = self.env["event.event"].create(
            {
                "name": "Ακαδημία Πήγασος",
                "is_support_academy": True,
                "date_begin": datetime.now() - timedelta(days=3),
                "date_end": datetime.now() - timedelta(days=2),
            }
        )
        registration = self.env["event.registration"].create({"event_id": event.id, "partner_id": technician.id})
        self.assertIn("academy", technician.support_certification_reasons, "registered is not attended")
        registration.action_set_done()
        self.assertNotIn("academy", technician.support_certification_reasons)
        self.env["support.cooperation.contract"].create(
            {"firm_id": firm.id, "date_start": "2020-01-01"}
        ).action_activate()
        self._assert_not_certified(technician, "not approved by the vendor")
        self.assertEqual(len(technician.support_certification_reasons.splitlines()), 1)

        technician.sudo()._support_propose_certification(self.user_firm_manager)
        technician.with_user(self.user_manager).action_support_approve_certification()
        self.assertTrue(technician.support_certified)
        self.assertFalse(technician.support_certification_reasons)

    def test_installations_boundary_and_recompute_on_archive(self):
        self.assertEqual(len(self.installations), 5)
        self.assertTrue(self.technician.support_certified, "5 of 5 is enough")
        self.installations[0].with_user(self.user_support).action_archive()
        self._assert_not_certified(self.technician, "4 of 5 active installations")
        self.installations[0].with_user(self.user_support).action_unarchive()
        self.assertTrue(self.technician.support_certified)

        # Moving an installation to another firm counts as losing it.
        other_firm = self._create_firm("Άλλη Εταιρεία", "consultant")
        self.installations[1].firm_id = other_firm
        self._assert_not_certified(self.technician, "4 of 5 active installations")
        self.installations[1].firm_id = self.firm
        self.assertTrue(self.technician.support_certified)

        # The threshold is a company setting.
        self.company.support_cert_min_installations = 6
        self.technician._support_update_certification()
        self._assert_not_certified(self.technician, "5 of 6 active installations")

    def test_academy_window_with_frozen_dates(self):
        self.env["event.registration"].search([("partner_id", "=", self.technician.id)]).action_cancel()
        self._assert_not_certified(self.technician, "no academy session attended since")
        session = self.env["event.event"].create(
            {
                "name": "Ακαδημία Πήγασος: myDATA",
                "is_support_academy": True,
                "date_begin": "2026-01-10 08:00:00",
                "date_end": "2026-01-10 16:00:00",
            }
        )
        self.env["event.registration"].create(
            {"event_id": session.id, "partner_id": self.technician.id}
        ).action_set_done()
        self.assertEqual(self.company.support_cert_academy_months, 12)
        with freeze_time("2027-01-10 09:00:00"):
            self.technician._support_update_certification()
            self.assertTrue(self.technician.support_certified, "the session ended 12 months ago today")
        with freeze_time("2027-01-11 09:00:00"):
            self.technician._support_update_certification()
            self._assert_not_certified(self.technician, "no academy session attended since 01/11/2026")
        with freeze_time("2027-01-11 09:00:00"):
            self.company.support_cert_academy_months = 13
            self.technician._support_update_certification()
            self.assertTrue(self.technician.support_certified, "the window is a company setting")

        # A session that is not an academy session does not count.
        session.is_support_academy = False
        self._assert_not_certified(self.technician, "no academy session attended since")

    def test_satisfaction_boundary(self):
        request = self._request()
        self._ratings(self.technician, [5, 1], request)
        self.assertEqual(self.technician.support_rating_count, 2)
        self.assertAlmostEqual(self.technician.support_satisfaction, 50.0)
        self.assertTrue(self.technician.support_certified, "50% is enough")

        # 250 happy ratings of 501: 49.9%
        self._ratings(self.technician, [5] * 249 + [1] * 250, request)
        self.assertEqual(self.technician.support_rating_count, 501)
        self.assertAlmostEqual(self.technician.support_satisfaction, 49.9, places=1)
        self._assert_not_certified(self.technician, "satisfaction 49.9% < 50.0%")

        # The firm's satisfaction is over all its technicians' ratings.
        self.assertEqual(self.firm.support_rating_count, 501)
        self.assertAlmostEqual(self.firm.support_satisfaction, 49.9, places=1)

    def test_satisfaction_counts_only_recent_requests_ratings(self):
        with freeze_time(datetime.now() - timedelta(days=400)):
            self._ratings(self.technician, [1, 1, 1])
        self.technician._support_update_certification()
        self.assertEqual(self.technician.support_rating_count, 0, "older than 12 months")
        self.assertTrue(self.technician.support_certified)
        # Ratings of other documents do not count.
        self.env["rating.rating"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.customer.id,
                "rated_partner_id": self.technician.id,
                "rating": 1,
                "consumed": True,
            }
        )
        self.technician._support_update_certification()
        self.assertTrue(self.technician.support_certified)

    def test_new_rules_recheck_every_technician(self):
        cron = self.env.ref("certified_support.ir_cron_support_certification_dirty")
        triggers = self._cron_triggers(cron)
        self.company.support_cert_academy_months = 12  # unchanged: nothing to do
        self.assertFalse(self.technician.support_certification_dirty)
        self.company.support_cert_min_installations = 6
        self.assertTrue(self.technician.support_certification_dirty, "the cron checks everyone again")
        self.assertTrue(self.technician.support_certified, "until the triggered cron runs")
        self._run_triggered_cron(cron, triggers)
        self.assertFalse(self.technician.support_certification_dirty)
        self._assert_not_certified(self.technician, "5 of 6 active installations")
        for values in (
            {"support_cert_min_satisfaction": 101},
            {"support_cert_academy_months": 0},
            {"support_cert_min_installations": -1},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.company.write(values)

    def test_rule_for_technicians_without_ratings(self):
        self.assertTrue(self.technician.support_certified)
        self.company.support_cert_unrated_satisfied = False
        self.technician._support_update_certification()
        self._assert_not_certified(self.technician, "no customer rating in the last 12 months")
        self._ratings(self.technician, [5])
        self.assertTrue(self.technician.support_certified)

    def test_recompute_when_a_rating_arrives(self):
        request = self._request()
        request.technician_id = self.technician
        token = request._rating_get_access_token()
        rating = self.env["rating.rating"].search([("access_token", "=", token)])
        self.assertEqual(rating.rated_partner_id, self.technician, "the customer rates the technician")
        self.assertTrue(self.technician.support_certified, "a rating asked for is not a rating given")
        self.assertEqual(self.technician.support_rating_count, 0)
        request.rating_apply(1, token=token, feedback="Δεν ήρθε ποτέ.")
        self.assertEqual(self.technician.support_rating_count, 1)
        self._assert_not_certified(self.technician, "satisfaction 0.0% < 50.0%")

    def test_cooperation_contract_for_it_firms_only(self):
        self.cooperation.with_user(self.user_manager).action_terminate()
        self._assert_not_certified(self.technician, "no active cooperation contract")
        self.assertEqual(self.cooperation.state, "terminated")

        # An accounting office needs no cooperation contract.
        office = self._create_firm("Λογιστικό Γραφείο Σταματίου", "accounting")
        accountant = self._new_technician(office, name="Ελένη Σταματίου")
        self._certify_technicians(accountant)
        self.assertFalse(self.env["support.cooperation.contract"].search([("firm_id", "=", office.id)]))
        self.assertTrue(accountant.support_certified)
        with self.assertRaises(ValidationError):
            self.env["support.cooperation.contract"].create({"firm_id": office.id, "date_start": "2026-01-01"})

    def test_cooperation_contract_dates_and_expiry(self):
        self.cooperation.with_user(self.user_manager).action_terminate()
        with self.assertRaises(ValidationError, msg="one active contract per firm"):
            contract = self.env["support.cooperation.contract"].create(
                {"firm_id": self.firm.id, "date_start": "2020-01-01"}
            )
            contract.action_activate()
            self.env["support.cooperation.contract"].create(
                {"firm_id": self.firm.id, "date_start": "2021-01-01"}
            ).action_activate()
        with freeze_time("2026-03-10"):
            contract = self.env["support.cooperation.contract"].create(
                {"firm_id": self.firm.id, "date_start": "2026-01-01", "date_end": "2026-06-30"}
            )
            contract.action_activate()
            self.assertTrue(contract.name.startswith("COOP/2026/"))
            self.assertTrue(self.technician.support_certified)
        with freeze_time("2026-07-01"):
            self.technician._support_update_certification()
            self._assert_not_certified(self.technician, "no active cooperation contract")
            self.env["support.cooperation.contract"]._cron_expire()
            self.assertEqual(contract.state, "expired")
        with self.assertRaises(UserError):
            contract.unlink()

    def test_approval_and_rejection(self):
        self.technician.with_user(self.user_manager).action_support_reject_certification()
        self.assertEqual(self.technician.support_proposal_state, "rejected")
        self.assertEqual(self.technician.support_proposal_decided_by_id, self.user_manager)
        self._assert_not_certified(self.technician, "not approved by the vendor (proposal: rejected)")
        with self.assertRaisesRegex(UserError, "Only a proposed technician"):
            self.technician.with_user(self.user_manager).action_support_approve_certification()

        self.technician.sudo()._support_propose_certification(self.user_firm_manager)
        self.assertEqual(self.technician.support_proposal_state, "proposed")
        self.assertEqual(self.technician.support_proposed_by_id, self.user_firm_manager)
        self.assertFalse(self.technician.support_proposal_decided_by_id)
        with self.assertRaises(AccessError):
            self.technician.with_user(self.user_support).action_support_approve_certification()
        self.technician.with_user(self.user_manager).action_support_approve_certification()
        self.assertEqual(self.technician.support_proposal_state, "approved")
        self.assertTrue(self.technician.support_certified)

    def test_approval_refused_while_conditions_fail(self):
        technician = self._new_technician()
        technician.sudo()._support_propose_certification(self.user_firm_manager)
        with self.assertRaisesRegex(UserError, "no academy session attended since"):
            technician.with_user(self.user_manager).action_support_approve_certification()
        self.assertEqual(technician.support_proposal_state, "proposed")
        self.assertFalse(technician.support_certified)

    def test_status_and_proposal_cannot_be_edited(self):
        technician = self._new_technician()
        with self.assertRaises(AccessError):
            technician.with_user(self.user_manager).write({"support_certified": True})
        with self.assertRaises(AccessError):
            technician.with_user(self.user_support).write({"support_proposal_state": "approved"})
        self.assertFalse(technician.support_certified)

    # ------------------------------------------------------------------
    # assignment
    # ------------------------------------------------------------------

    def test_only_certified_technicians_can_be_assigned(self):
        not_certified = self._new_technician()
        self.assertIn(self.technician, self.env["support.request"]._get_allowed_technicians())
        self.assertNotIn(not_certified, self.env["support.request"]._get_allowed_technicians())
        with freeze_time("2026-03-10"):
            self._create_contract(state="active")
            request = self._request()
            request._register_request(self.customer_contact)
            wizard = (
                self.env["support.request.schedule"]
                .with_user(self.user_support)
                .with_context(default_request_id=request.id)
                .create({"start": "2026-03-12 08:00:00", "technician_id": not_certified.id})
            )
            self.assertIn(self.technician, wizard.allowed_technician_ids)
            self.assertNotIn(not_certified, wizard.allowed_technician_ids)
            with self.assertRaisesRegex(ValidationError, "not currently certified"):
                wizard.action_confirm()
            with self.assertRaisesRegex(ValidationError, "not currently certified"):
                request.with_user(self.user_support).technician_id = not_certified
            request.with_user(self.user_support).technician_id = self.technician

        # Once certification lapses, the technician is no longer offered.
        self.installations[0].action_archive()
        self.assertNotIn(self.technician, self.env["support.request"]._get_allowed_technicians())

    # ------------------------------------------------------------------
    # tracking, notification, cron
    # ------------------------------------------------------------------

    def test_losing_certification_is_tracked_and_notified(self):
        with freeze_time("2026-03-10"):
            self._create_contract(state="active")
            request = self._request()
            request._register_request(self.customer_contact)
            self.env["support.request.schedule"].with_context(default_request_id=request.id).create(
                {"start": "2026-03-12 08:00:00", "technician_id": self.technician.id}
            ).action_confirm()
        self.assertEqual(request.state, "scheduled")
        self.env["mail.mail"].search([]).unlink()

        technician = self.technician.with_context(tracking_disable=False)
        technician.env["support.installation"].browse(self.installations[0].id).action_archive()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertFalse(self.technician.support_certified)
        tracked = self.technician.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "support_certified"
        )
        self.assertEqual(len(tracked), 1, "the change is in the partner's chatter")

        mails = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "=", self.technician.id)])
        recipients = mails.recipient_ids
        self.assertIn(self.firm_manager, recipients, "the firm manager")
        self.assertIn(self.user_support.partner_id, recipients, "the account manager of the scheduled meeting")
        self.assertNotIn(self.technician, recipients)
        self.assertIn(self.technician.name, mails[0].subject)
        self.assertIn("4 of 5 active installations", mails[0].body_html)

        # Nothing more is sent while the technician stays uncertified.
        self.installations[1].action_archive()
        self.assertEqual(
            self.env["mail.mail"].search_count([("model", "=", "res.partner"), ("res_id", "=", self.technician.id)]),
            len(mails),
        )

    def test_nightly_cron_catches_lapses_without_any_change(self):
        second = self._new_technician()
        self._certify_technicians(second)
        self.assertTrue(self.technician.support_certified)
        # Time passes: the academy sessions are now old, and nothing in the database
        # changed through the ORM. Only the nightly run can notice.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE event_event SET date_begin = date_begin - interval '3 years',"
            " date_end = date_end - interval '3 years'"
            " WHERE is_support_academy"
        )
        yesterday = datetime.now().date() - timedelta(days=1)
        self.env.cr.execute(
            "UPDATE res_partner SET support_certification_checked_on = %s WHERE id IN %s",
            [yesterday, tuple((self.technician | second).ids)],
        )
        self.env.invalidate_all()
        self.assertTrue(self.technician.support_certified, "stale until the cron runs")
        cron = self.env.ref("certified_support.ir_cron_support_certification")
        self._run_cron(cron)
        for technician in self.technician | second:
            self._assert_not_certified(technician, "no academy session attended since")
            self.assertGreater(technician.support_certification_checked_on, yesterday)
