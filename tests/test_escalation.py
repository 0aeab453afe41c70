from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..models import support_request
from .common import SupportCommon
from .rating_common import RatingMixin


@tagged("post_install", "-at_install")
class TestEscalation(RatingMixin, SupportCommon):
    """Unrated requests go to the account manager 3 working days after signing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rating_data()
        cls.activity_type = cls.env.ref("certified_support.mail_activity_close_by_phone")

    def _activities(self, requests):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "support.request"),
                ("res_id", "in", requests.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _assert_escalated_once(self, request):
        self.assertEqual(request.state, "to_close_by_phone")
        activity = self._activities(request)
        self.assertEqual(len(activity), 1, "one Close by phone activity")
        self.assertEqual(activity.user_id, self.user_support, "for the account manager")
        self.assertIn("+30 694 1234567", activity.note, "with the contact's phone")
        self.assertIn("+30 210 1234567", activity.note, "and the company's")
        self.assertEqual(len(self._close_by_phone_mails(request)), 1, "and listed in one e-mail")

    def _close_by_phone_mails(self, request, user=None):
        user = user or self.user_support
        return self.env["mail.mail"].search(
            [
                ("model", "=", "res.users"),
                ("res_id", "=", user.id),
                ("recipient_ids", "in", user.partner_id.ids),
                ("subject", "ilike", "to close by phone"),
                ("body_html", "ilike", request.name),
            ]
        )

    def _assert_at(self, request, not_yet, escalated):
        with freeze_time(not_yet):
            self._escalate()
        self.assertEqual(request.state, "done", f"not escalated at {not_yet}")
        self.assertFalse(self._activities(request))
        with freeze_time(escalated):
            self._escalate()
        self._assert_escalated_once(request)

    def test_across_a_weekend(self):
        # Signed Friday 13 March 2026 at 10:00 in Athens: Monday, Tuesday, Wednesday.
        request = self._signed_request("2026-03-13 08:00:00")
        self._assert_at(request, not_yet="2026-03-18 14:00:00", escalated="2026-03-18 15:30:00")

    def test_across_orthodox_easter_2027(self):
        # Signed Thursday 29 April 2027: Good Friday 30/4, Easter Monday 3/5 and Labour Day
        # (moved to Tuesday 4/5) are holidays: Wednesday 5, Thursday 6, Friday 7 May.
        request = self._signed_request("2027-04-29 07:00:00")
        with freeze_time("2027-05-05 15:30:00"):  # without the holidays it would be due
            self._escalate()
        self.assertEqual(request.state, "done")
        self._assert_at(request, not_yet="2027-05-07 13:00:00", escalated="2027-05-07 14:30:00")

    def test_across_the_new_year(self):
        # Signed Wednesday 30 December 2026: Thursday 31, (1/1 holiday, weekend) Monday 4,
        # Tuesday 5 January 2027 (6/1 Epiphany comes after).
        request = self._signed_request("2026-12-30 08:00:00")
        self._assert_at(request, not_yet="2027-01-05 14:00:00", escalated="2027-01-05 15:30:00")

    def test_second_run_creates_nothing(self):
        request = self._signed_request("2026-03-13 08:00:00")
        with freeze_time("2026-03-20 10:00:00"):
            self._escalate()
            self._escalate()
        self._assert_escalated_once(request)

    def test_rated_or_unsigned_requests_are_left_alone(self):
        rated = self._signed_request("2026-03-13 08:00:00")
        rated.sudo().rating_apply(5, token=rated._rating_get_access_token())
        self.assertEqual(rated.state, "closed")
        unsigned = self.request
        self._create_a1(unsigned)
        self.assertEqual(unsigned.state, "done")
        with freeze_time("2026-04-20 10:00:00"):
            self._escalate()
        self.assertEqual(rated.state, "closed")
        self.assertEqual(unsigned.state, "done", "filed but not signed: nothing to rate yet")
        self.assertFalse(self._activities(rated | unsigned))

    def test_resume_after_interruption(self):
        requests = self.env["support.request"].concat(*[self._signed_request("2026-03-13 08:00:00") for _i in range(5)])
        calls = []

        def commit_progress(cron, processed=0, *, remaining=None, deactivate=False):
            calls.append((processed, remaining))
            return 0  # the time is up after each batch: the job is killed, to be run again

        with (
            patch.object(support_request, "ESCALATION_BATCH_SIZE", 2),
            patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress),
            freeze_time("2026-03-20 10:00:00"),
        ):
            self._escalate()
            self.assertEqual(calls, [(2, 3)], "one batch of 2, 3 remaining, then stopped")
            self.assertEqual(requests.mapped("state").count("to_close_by_phone"), 2)
            self._escalate()
            self._escalate()
            self.assertEqual(calls[1:], [(2, 1), (1, 0)])
            self._escalate()
        self.assertEqual(set(requests.mapped("state")), {"to_close_by_phone"})
        for request in requests:
            self._assert_escalated_once(request)

    def test_rows_locked_by_another_run_are_skipped(self):
        requests = self.env["support.request"].concat(*[self._signed_request("2026-03-13 08:00:00") for _i in range(3)])
        held = requests[0]
        Request = type(self.env["support.request"])
        original = Request.try_lock_for_update

        def try_lock_for_update(records, **kwargs):
            # Another worker holds ``held``: SKIP LOCKED leaves it out.
            return original(records - held, **kwargs)

        with patch.object(Request, "try_lock_for_update", try_lock_for_update), freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        self.assertEqual(held.state, "done", "left to the run that holds it")
        self.assertEqual((requests - held).mapped("state"), ["to_close_by_phone"] * 2)
        # The other run escalates it; ours, run again, duplicates nothing.
        with freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        for request in requests:
            self._assert_escalated_once(request)

    def test_try_lock_for_update_skips_rows_of_another_transaction(self):
        """The primitive the cron relies on: a row locked by another cursor is skipped."""
        greece = self.env.ref("base.gr")
        with self.registry.cursor() as cr:
            cr.execute("SELECT id FROM res_country WHERE id = %s FOR UPDATE NOWAIT", [greece.id])
            self.assertFalse(greece.try_lock_for_update(), "held by the other cursor")
            self.assertEqual(self.env.ref("base.cy").try_lock_for_update(), self.env.ref("base.cy"))
            cr.rollback()

    def test_rating_link_refused_after_escalation(self):
        request = self._signed_request("2026-03-13 08:00:00")
        token = request._rating_get_access_token()
        with freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        self.assertFalse(self.env["rating.rating"].search([("access_token", "=", token)]), "the old link is dead")
        pending = request.rating_ids.filtered(lambda r: not r.consumed)
        with self.assertRaises(UserError):
            request.sudo().rating_apply(5, rating=pending)
        self.assertEqual(request.state, "to_close_by_phone")

    def test_one_mail_per_account_manager_in_their_language(self):
        self.env["res.lang"]._activate_lang("el_GR")
        self.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        greek_am = new_test_user(
            self.env,
            "cs_support_el",
            groups="certified_support.group_support_user",
            email="eleni@vendor.example.gr",
            lang="el_GR",
        )
        first = self._signed_request("2026-03-13 08:00:00")
        second = self._signed_request("2026-03-13 09:00:00")
        other = self._signed_request("2026-03-13 10:00:00")
        other.user_id = greek_am
        with freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        mail = self._close_by_phone_mails(first)
        self.assertEqual(mail, self._close_by_phone_mails(second), "both requests in one e-mail")
        self.assertIn("Support requests to close by phone: 2", mail.subject)
        self.assertIn("+30 694 1234567", mail.body_html, "with the phones to call")
        self.assertNotIn(other.name, mail.body_html, "not the other manager's request")
        greek = self.env["mail.mail"].search(
            [("model", "=", "res.users"), ("res_id", "=", greek_am.id), ("body_html", "ilike", other.name)]
        )
        self.assertEqual(len(greek), 1)
        self.assertEqual(greek.recipient_ids, greek_am.partner_id)
        self.assertIn("Αιτήματα προς κλείσιμο τηλεφωνικά: 1", greek.subject, "in the manager's language")
        activity = self._activities(other)
        self.assertEqual(activity.user_id, greek_am)
        self.assertIn("Καμία αξιολόγηση", activity.note, "the activity's note in the manager's language too")
        self.assertEqual(activity.summary, activity.activity_type_id.with_context(lang="el_GR").summary)
        self.assertNotEqual(activity.summary, self._activities(first).summary, "and its summary")
        self.assertIn("No rating from", self._activities(first).note)
        self.assertEqual(activity.date_deadline, fields.Date.to_date("2026-03-21"), "the type's delay: one day")

    def test_long_list_is_cut_and_counted(self):
        first = self._signed_request("2026-03-13 08:00:00")
        second = self._signed_request("2026-03-13 09:00:00")
        with patch.object(support_request, "ESCALATION_MAIL_ROWS", 1), freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        mail = self._close_by_phone_mails(first)
        self.assertEqual(len(mail), 1)
        self.assertIn("Support requests to close by phone: 2", mail.subject, "the subject counts them all")
        self.assertNotIn(second.name, mail.body_html, "the list stops at ESCALATION_MAIL_ROWS")
        self.assertIn("and 1 more", mail.body_html)
        self.assertEqual(len(self._activities(first | second)), 2, "both have their activity")

    def test_cutoff_is_computed_once_per_calendar(self):
        Request = self.env["support.request"]
        # Monday 23 March 2026 10:00 Athens: Wed 18, Thu 19, Fri 20 are the last 3 whole working days.
        cutoff = Request._support_escalation_cutoff(self.calendar, fields.Datetime.to_datetime("2026-03-23 08:00:00"))
        self.assertEqual(str(cutoff), "2026-03-17 22:00:00", "signed before Wednesday 18 (Athens midnight)")

    def test_the_history_shows_the_escalation(self):
        """The escalation to the account manager is set-based, without tracking: the
        history still tells it, between the signature and the closing."""
        request = self._signed_request()
        with freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        self.assertEqual(request.state, "to_close_by_phone")
        history = request._dossier_state_history()
        escalation = [row for row in history if row[3] == "To close by phone"]
        self.assertEqual(
            escalation,
            [(request.support_escalated_on, "Escalation without a rating", "Done (A1 filed)", "To close by phone")],
        )
        self.assertEqual([row[0] for row in history], sorted(row[0] for row in history), "in the order of time")
        report = self.env.ref("certified_support.action_report_support_request_dossier").with_user(self.user_manager)
        html = report._render_qweb_html(report.report_name, request.ids)[0].decode()
        self.assertIn("Escalation without a rating", html)
