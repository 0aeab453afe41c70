from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.http import Request
from odoo.tests import tagged

from .common import SupportHttpCommon
from .rating_common import RatingMixin


@tagged("post_install", "-at_install")
class TestRatingPortal(RatingMixin, SupportHttpCommon):
    """The customer rates from the portal and the e-mail links; the technician reminds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rating_data()

    def setUp(self):
        super().setUp()
        self.signed = self._signed_request()
        self.token = self.signed.rating_ids.filtered(lambda r: not r.consumed).access_token

    def _submit(self, token, rate, feedback=""):
        return self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": rate, "feedback": feedback, "csrf_token": Request.csrf_token(self)},
        )

    def test_request_page_shows_rate_this_support_until_rated(self):
        self.authenticate("cs_customer", "cs_customer")
        page = self.url_open(f"/my/support/{self.signed.id}").text
        self.assertIn("Rate this support", page)
        for score in (5, 3, 1):
            self.assertIn(f"/rate/{self.token}/{score}", page)
        # GET shows the form only: mail link crawlers must not rate.
        self.assertEqual(self.url_open(f"/rate/{self.token}/5").status_code, 200)
        self.assertEqual(self.signed.state, "done")
        response = self._submit(self.token, 5, "Άψογη εξυπηρέτηση.")
        self.assertEqual(response.status_code, 200)
        self.signed.invalidate_recordset()
        self.assertEqual(self.signed.state, "closed")
        self.assertEqual(len(self._am_mails(self.signed, "rated by")), 1, "the account manager is told")
        self.assertNotIn("Rate this support", self.url_open(f"/my/support/{self.signed.id}").text)

    def test_token_rating_without_login(self):
        self.authenticate(None, None)
        response = self._submit(self.token, 1, "Δεν λύθηκε.")
        self.assertEqual(response.status_code, 200)
        self.signed.invalidate_recordset()
        self.assertEqual(self.signed.state, "closed")
        rating = self.signed.rating_ids.filtered("consumed")
        self.assertEqual((rating.rating, rating.feedback), (1, "Δεν λύθηκε."))
        self.assertEqual(len(self._am_mails(self.signed, "rated by")), 1)

    def test_token_errors(self):
        self.authenticate(None, None)
        self.assertEqual(self.url_open("/rate/not-a-token/5").status_code, 404)
        self.assertEqual(self._submit("not-a-token", 5).status_code, 404)
        with freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        self.assertEqual(self.signed.state, "to_close_by_phone")
        self.assertEqual(self.url_open(f"/rate/{self.token}/5").status_code, 404, "escalated: the link is dead")
        self.assertEqual(self._submit(self.token, 5).status_code, 404)
        self.signed.invalidate_recordset()
        self.assertEqual(self.signed.state, "to_close_by_phone")
        self.assertFalse(self.signed.rating_ids.filtered("consumed"))

    def test_bad_scores_and_feedback_are_refused(self):
        """A score the page does not offer is a 4xx (Odoo answered 500); a feedback that
        cannot be stored comes back on the page with a message and what was typed."""
        self.authenticate(None, None)
        for score in (0, 2, 4, 6, 99999999999):
            with self.subTest(score=score):
                self.assertEqual(self.url_open(f"/rate/{self.token}/{score}").status_code, 404)
        for rate in ("4", "abc", "", "5\x00", "99999999999999999999", "5.0"):
            with self.subTest(rate=rate):
                self.assertEqual(self._submit(self.token, rate, "Εντάξει").status_code, 400)
        typed = "Καλή δουλειά"
        for feedback in (f"{typed}\x00", f"{typed}\x07", typed + "Χ" * 10001):
            with self.subTest(feedback=feedback[:20]):
                response = self._submit(self.token, 5, feedback)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_support_rating_error", response.text)
                self.assertIn(typed, response.text, "the typed feedback is kept")
        self.signed.invalidate_recordset()
        self.assertEqual(self.signed.state, "done")
        self.assertFalse(self.signed.rating_ids.filtered("consumed"), "nothing rated")
        response = self._submit(self.token, 5, f"  {typed}  ")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.signed.rating_ids.filtered("consumed").feedback, typed)

    def test_other_customer_cannot_rate(self):
        self.authenticate("cs_other_customer", "cs_other_customer")
        page = self.url_open(f"/rate/{self.token}/5")
        self.assertIn("You cannot rate this", page.text)
        response = self.url_open(f"/my/support/{self.signed.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn(self.token, response.text)
        self.signed.invalidate_recordset()
        self.assertEqual(self.signed.state, "done")

    def test_technician_sees_unrated_customers_and_reminds_once_a_day(self):
        self.authenticate("cs_technician", "cs_technician")
        page = self.url_open("/my/partner").text
        self.assertIn("Customers who have not rated yet", page)
        self.assertIn(self.signed.name, page)
        url = f"/my/partner/requests/{self.signed.id}/rating_reminder"
        self.assertEqual(len(self._rating_mails(self.signed)), 1)
        response = self.url_open(url, data={"csrf_token": Request.csrf_token(self)})
        self.assertIn("The reminder was sent", response.text)
        self.assertEqual(len(self._rating_mails(self.signed)), 2)
        response = self.url_open(url, data={"csrf_token": Request.csrf_token(self)})
        self.assertIn("already sent", response.text)
        self.assertEqual(len(self._rating_mails(self.signed)), 2, "at most one a day")
        # Without the CSRF token nothing is sent.
        self.assertEqual(self.url_open(url, data={"x": "1"}).status_code, 400)
        # Once rated, the customer leaves the list.
        self.signed.sudo().rating_apply(5, token=self.token)
        self.assertNotIn(self.signed.name, self.url_open("/my/partner").text)

    def test_other_technician_cannot_remind(self):
        self.authenticate("cs_other_technician", "cs_other_technician")
        self.assertNotIn(self.signed.name, self.url_open("/my/partner").text)
        url = f"/my/partner/requests/{self.signed.id}/rating_reminder"
        self.assertEqual(self.url_open(url, data={"csrf_token": Request.csrf_token(self)}).status_code, 404)
        self.assertEqual(len(self._rating_mails(self.signed)), 1)

    def test_rating_tour(self):
        self.start_tour(f"/my/support/{self.signed.id}", "support_rating_portal_tour", login="cs_customer")
        self.signed.invalidate_recordset()
        self.assertEqual(self.signed.state, "closed")
        rating = self.signed.rating_ids.filtered("consumed")
        self.assertEqual(rating.rating, 3)
        self.assertEqual(rating.feedback, "Καλή δουλειά, λίγο καθυστέρηση.")

    def test_public_link_rating_is_the_contacts_and_mails_the_account_manager_once(self):
        self.signed.message_subscribe(partner_ids=self.user_support.partner_id.ids)
        before = self.env["mail.mail"].search([("recipient_ids", "in", self.user_support.partner_id.ids)])
        self.authenticate(None, None)
        self.assertEqual(self._submit(self.token, 5, "Πολύ καλή δουλειά.").status_code, 200)
        rating = self.signed.rating_ids.filtered("consumed")
        self.assertEqual(rating.partner_id, self.customer_contact)
        message = rating.message_id
        self.assertEqual(message.author_id, self.customer_contact, "recorded as the customer's contact")
        mails = self.env["mail.mail"].search([("recipient_ids", "in", self.user_support.partner_id.ids)]) - before
        self.assertEqual(len(mails), 1, f"one e-mail per rating, not {mails.mapped('subject')}")
        self.assertIn("rated by", mails.subject)
        self.assertFalse(self.signed.support_corrective_state, "a happy customer opens no corrective action")

    def test_unhappy_rating_opens_a_corrective_action_counted_on_the_scorecard(self):
        self.company.support_corrective_user_id = self.user_manager
        self.authenticate(None, None)
        self.assertEqual(self._submit(self.token, 1, "Ο τεχνικός άργησε δύο ώρες.").status_code, 200)
        self.signed.invalidate_recordset()
        self.assertEqual(self.signed.support_corrective_state, "open")
        activity = self.signed.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("certified_support.mail_activity_corrective_action")
        )
        self.assertEqual(activity.user_id, self.user_manager)
        self.assertIn("Ο τεχνικός άργησε δύο ώρες.", str(activity.note))
        self.assertIn(self.technician.name, str(activity.note))

        self.authenticate("cs_firm_manager", "cs_firm_manager")
        page = self.url_open("/my/partner/scorecard").text
        self.assertRegex(page, r"Corrective actions after unhappy ratings:\s*<strong>1</strong> open")

        with self.assertRaises(UserError):
            activity.with_user(self.user_manager).action_feedback(feedback="  ")
        activity.with_user(self.user_manager).action_feedback(
            feedback="Συζήτηση με τον τεχνικό, νέα διαδικασία ραντεβού."
        )
        self.assertEqual(self.signed.support_corrective_state, "done")
        self.assertTrue(self.signed.message_ids.filtered(lambda m: "νέα διαδικασία ραντεβού" in str(m.body)))
        page = self.url_open("/my/partner/scorecard").text
        self.assertRegex(page, r"<strong>0</strong> open,\s*<strong>1</strong> done")

    def test_no_rating_before_the_signature(self):
        """Step 7 before step 8: the filed, unsigned A1 Form carries no rating link or QR
        code, and a rating token of the request does not work until it is signed."""
        with freeze_time("2026-03-10"):
            request = self._a1_scheduled_request(self.customer, self.customer_contact, self.technician)
        form = self._create_a1(request)
        self.assertEqual((form.state, request.state), ("filed", "done"))
        self.assertFalse(form._support_rating_url())
        html = self._a1_report_html(form)
        self.assertNotIn("o_support_rating_qr", html)
        self.assertNotIn("/rate/", html)
        self.authenticate("cs_customer", "cs_customer")
        page = self.url_open(f"/my/a1/{form.id}").text
        self.assertNotIn("/rate/", page)
        self.assertNotIn("Rate this support", self.url_open(f"/my/support/{request.id}").text)

        token = request.sudo()._rating_get_access_token()  # a token that exists all the same
        self.authenticate(None, None)
        self.assertEqual(self.url_open(f"/rate/{token}/1").status_code, 404)
        self.assertEqual(self._submit(token, 1, "Πριν την υπογραφή").status_code, 404)
        self.assertFalse(request.rating_ids.filtered("consumed"))
        self.assertEqual(request.state, "done")

        form._sign("Γιώργος Παπαδόπουλος", "scan", pdf=b"%PDF-1.4 signed scan")
        self.assertTrue(form._support_rating_url())
        self.assertEqual(self.url_open(f"/rate/{token}/5").status_code, 200)
