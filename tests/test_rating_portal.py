from freezegun import freeze_time

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
