from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import SupportCommon
from .rating_common import SCAN, RatingMixin
from .test_acceptance_guard import ADDON_CONTEXT_KEYS


@tagged("post_install", "-at_install")
class TestRating(RatingMixin, SupportCommon):
    """Step 8: the rating request on signing, ratings closing the request, phone closing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rating_data()

    def _pending_rating(self, request):
        return request.rating_ids.filtered(lambda r: not r.consumed)

    def test_rating_request_sent_on_signing(self):
        request = self._signed_request()
        self.assertEqual(request.state, "done")
        self.assertTrue(request.support_signed_on)
        message = self._rating_mails(request)
        self.assertEqual(len(message), 1, "one rating request when the A1 Form is signed")
        self.assertEqual(message.partner_ids, self.customer_contact, "to the contact who asked for support")
        rating = self._pending_rating(request)
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.partner_id, self.customer_contact)
        self.assertEqual(rating.rated_partner_id, self.technician, "the customer rates the technician")
        for score in (5, 3, 1):
            self.assertIn(f"/rate/{rating.access_token}/{score}", message.body)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertTrue(mail, "sent by e-mail")

    def test_no_rating_request_before_signing(self):
        self._create_a1(self.request)
        self.assertFalse(self._rating_mails(self.request))

    def test_token_rating_closes_and_notifies_account_manager(self):
        request = self._signed_request()
        token = self._pending_rating(request).access_token
        # As the public /rate controller does (sudo after finding the token).
        rating = request.sudo().rating_apply(5, token=token, feedback="Γρήγορα και καθαρά, ευχαριστούμε.")
        self.assertEqual(request.state, "closed")
        self.assertTrue(rating.consumed)
        self.assertEqual(rating.support_source, "portal")
        self.assertEqual(rating.rated_partner_id, self.technician)
        mail = self._am_mails(request, "rated by")
        self.assertEqual(len(mail), 1, "a mail to the account manager")
        self.assertIn("Γρήγορα και καθαρά", mail.body_html)
        chatter = request.message_ids.filtered(lambda m: m.rating_id == rating)
        self.assertEqual(len(chatter), 1, "score and comment in the chatter")
        self.assertIn("Γρήγορα και καθαρά", chatter.body)
        self.assertEqual(self.technician.support_rating_count, 1, "counts for the technician's certification")

    def test_customer_changes_feedback_with_the_same_token(self):
        request = self._signed_request()
        token = self._pending_rating(request).access_token
        request.sudo().rating_apply(1, token=token, feedback="Άργησε.")
        request.sudo().rating_apply(5, token=token, feedback="Τελικά όλα καλά.")
        ratings = request.rating_ids.filtered("consumed")
        self.assertEqual(len(ratings), 1)
        self.assertEqual(ratings.rating, 5)
        self.assertEqual(ratings.feedback, "Τελικά όλα καλά.")
        self.assertEqual(request.state, "closed")
        self.assertEqual(len(self._am_mails(request, "rated by")), 2, "every submitted rating is notified")

    def test_staff_cannot_change_a_rating(self):
        request = self._signed_request()
        rating = request.sudo().rating_apply(3, token=self._pending_rating(request).access_token, feedback="Εντάξει.")
        for user in (self.user_support, self.user_manager):
            with self.assertRaises(AccessError):
                rating.with_user(user).write({"rating": 5})
            with self.assertRaises(AccessError):
                rating.with_user(user).write({"feedback": "Τέλεια!"})
            with self.assertRaises(AccessError):
                rating.with_user(user).unlink()
            with self.assertRaises(AccessError):
                request.with_user(user).rating_apply(5, rating=rating.with_user(user))
        self.assertEqual((rating.rating, rating.feedback), (3, "Εντάξει."))

    def test_rating_matrix_every_role_and_context_key(self):
        """Create, write (what was given, where it points), unlink: refused for every role,
        with and without every context key the addon reads."""
        request = self._signed_request()
        other = self._signed_request(
            partner=self.other_customer, contact=self.other_contact, technician=self.other_technician
        )
        rating = request.sudo().rating_apply(1, token=self._pending_rating(request).access_token, feedback="Κακή.")
        request_model = self.env["ir.model"]._get_id("support.request")
        roles = (
            self.user_support,
            self.user_production,
            self.user_accountant,
            self.user_manager,
            self.user_customer,
            self.user_technician,
            self.user_firm_manager,
        )
        for user in roles:
            for context in ({}, ADDON_CONTEXT_KEYS):
                env = self.env(user=user, context=dict(self.env.context, **context))
                attempts = {
                    "create": lambda env=env: env["rating.rating"].create(
                        {
                            "res_model_id": request_model,
                            "res_id": other.id,
                            "rating": 5,
                            "consumed": True,
                            "partner_id": self.other_contact.id,
                            "rated_partner_id": self.other_technician.id,
                        }
                    ),
                    "write score": lambda env=env: rating.with_env(env).write({"rating": 5}),
                    "move it": lambda env=env: rating.with_env(env).write({"res_id": other.id}),
                    "rated partner": lambda env=env: rating.with_env(env).write(
                        {"rated_partner_id": self.other_technician.id}
                    ),
                    "unlink": lambda env=env: rating.with_env(env).unlink(),
                }
                for operation, attempt in attempts.items():
                    with (
                        self.subTest(user=user.login, context=bool(context), operation=operation),
                        self.assertRaises(UserError),
                        self.env.cr.savepoint(),
                    ):  # AccessError is a UserError too
                        attempt()
        self.assertEqual((rating.rating, rating.res_id, rating.feedback), (1, request.id, "Κακή."))
        self.assertFalse(other.rating_ids.filtered("consumed"))

    def test_chatter_message_cannot_carry_a_rating(self):
        request = self._signed_request()
        request.with_user(self.user_support).message_post(body="5 αστέρια", rating_value=5)
        self.assertFalse(request.rating_ids.filtered("consumed"))
        self.assertEqual(request.state, "done")

    def test_reminder_at_most_once_a_day(self):
        request = self._signed_request()
        with freeze_time("2026-03-16 09:00:00"):
            request.with_user(self.user_technician)._support_send_rating_reminder()
        self.assertEqual(len(self._rating_mails(request)), 2)
        with freeze_time("2026-03-16 17:00:00"), self.assertRaisesRegex(UserError, "already sent"):
            request._support_send_rating_reminder()
        with freeze_time("2026-03-17 09:30:00"):
            request._support_send_rating_reminder()
        self.assertEqual(len(self._rating_mails(request)), 3)
        self.assertEqual(len(request.rating_ids), 1, "the same rating link each time")

    def _close_by_phone(self, request, **values):
        wizard_form = Form(
            self.env["support.request.close.phone"]
            .with_user(self.user_support)
            .with_context(default_request_id=request.id)
        )
        for name, value in values.items():
            setattr(wizard_form, name, value)
        wizard_form.save().action_confirm()

    def test_phone_close_records_the_rating_with_its_source(self):
        request = self._signed_request()
        with freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        self.assertEqual(request.state, "to_close_by_phone")
        self._close_by_phone(request, rating="3", feedback="Λίγο αργά, αλλά λύθηκε.")
        self.assertEqual(request.state, "closed")
        rating = request.rating_ids.filtered("consumed")
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.rating, 3)
        self.assertEqual(rating.support_source, "phone")
        self.assertEqual(rating.support_phone_contact_id, self.customer_contact)
        self.assertEqual(rating.support_called_by_id, self.user_support)
        self.assertEqual(rating.rated_partner_id, self.technician)
        self.assertIn("Λίγο αργά", rating.feedback)
        self.assertFalse(
            request.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref("certified_support.mail_activity_close_by_phone")
            ),
            "the activity is done",
        )

    def test_phone_close_customer_not_reached(self):
        request = self._signed_request()
        with freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        self._close_by_phone(request, outcome="unreached", attempts=3)
        self.assertEqual(request.state, "closed")
        self.assertEqual(request.support_close_attempts, 3)
        self.assertFalse(request.rating_ids.filtered("consumed"), "closed without score")
        self.assertIn("3 call(s)", request.message_ids[0].body)

    def test_phone_close_only_for_requests_waiting_for_a_rating(self):
        with self.assertRaises(UserError):
            self.request.action_open_close_by_phone()
        request = self._signed_request()
        with freeze_time("2026-03-20 10:00:00"):
            self._escalate()
        with self.assertRaisesRegex(UserError, "close it by phone"):
            request._action_cancel("Δεν απαντά.")

    def test_acceptance_page_carries_the_rating_qr_code(self):
        """Once signed (step 7 before 8): the unsigned page carries none (test_rating_portal)."""
        form = self._create_a1(self.request)
        form._sign("Γιώργος Παπαδόπουλος", "scan", pdf=SCAN)
        html = self._a1_report_html(form)
        self.assertIn("o_support_rating_qr", html)
        self.assertIn("data:image/png;base64,", html)
        token = self._pending_rating(self.request).access_token
        self.assertIn(f"/rate/{token}/5", html)

    def test_greek_holidays_are_generated_once(self):
        Leaves = self.env["resource.calendar.leaves"]
        self.assertFalse(Leaves._support_generate_greek_holidays(years=[2026, 2027]), "idempotent")
        leaves = Leaves.search(
            [
                ("resource_id", "=", False),
                ("calendar_id", "=", self.calendar.id),
                ("date_from", ">=", "2027-01-01"),
                ("date_from", "<", "2028-01-01"),
            ]
        )
        days = {str(leave.date_to.date()) for leave in leaves}
        for day in (
            "2027-01-06",
            "2027-03-15",
            "2027-03-25",
            "2027-04-30",
            "2027-05-03",
            "2027-06-21",
            "2027-08-15",
            "2027-10-28",
            "2027-12-25",
            "2027-12-26",
        ):
            self.assertIn(day, days)
