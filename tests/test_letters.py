import base64
import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields, http
from odoo.tests import tagged
from odoo.tools import format_amount

from .common import SupportHttpCommon
from .production_common import ProductionOrderMixin
from .rating_common import SCAN, RatingMixin

# a 1x1 PNG: the company has its own logo, which the light layout shows
LOGO = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5d6e1e00000000049454e44ae426082"
    )
)
LINK_RE = r'href="([^"]*%s[^"]*)"'


@tagged("post_install", "-at_install")
class TestLetters(RatingMixin, ProductionOrderMixin, SupportHttpCommon):
    """What the customer receives in writing: each letter to the
    customer's contact, in their language, in the company's layout, with its link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "street": "Λεωφ. Συγγρού 120",
                "zip": "11745",
                "city": "Αθήνα",
                "logo": LOGO,
                "email": "support@pegasus.example.gr",
            }
        )
        # Before the requests of the set-up are registered: their acknowledgements are tested.
        cls.env["res.lang"]._activate_lang("el_GR")
        cls.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        cls.customer_contact.write({"lang": "el_GR", "email": "giorgos@papadopouloi.example.gr"})
        cls.other_contact.write({"lang": "en_US", "email": "spyros@aigaiou.example.gr"})
        cls._setup_rating_data()  # the requests, e-mails, the calendar with Greek holidays
        cls.technician.email = "nikos@diktyo.example.gr"

    def _letters(self, record):
        """The letters posted on ``record``: discussion messages, oldest first."""
        return self.env["mail.message"].search(
            [
                ("model", "=", record._name),
                ("res_id", "=", record.id),
                ("message_type", "=", "comment"),
                ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
            ],
            order="id",
        )

    def _mail(self, message):
        mail = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(len(mail), 1, "one e-mail per letter")
        return mail

    def _assert_letter(self, message, partner, subject, *contents):
        """Sent to ``partner`` only (no internal user), in the company's layout, with ``contents``."""
        self.assertEqual(message.partner_ids, partner)
        self.assertFalse(message.subtype_id.internal, "visible to the customer in the portal chatter")
        mail = self._mail(message)
        self.assertEqual(mail.recipient_ids, partner, "to the customer's contact only")
        self.assertFalse(mail.recipient_ids.user_ids.filtered(lambda u: not u.share), "no internal user")
        self.assertFalse(
            self.env["mail.notification"].search([("mail_message_id", "=", message.id)]).res_partner_id - partner,
            "no follower (account manager, production department) is notified of the customer's letter",
        )
        self.assertIn(subject, mail.subject)
        body = mail.body_html.replace("&nbsp;", "\xa0")
        self.assertIn(f"/logo.png?company={self.company.id}", mail.body_html, "the company's logo")
        self.assertIn("Λεωφ. Συγγρού 120, 11745 Αθήνα", mail.body_html, "the company's address")
        for content in contents:
            self.assertIn(content, body)
        return mail

    def _link(self, mail, path):
        links = re.findall(LINK_RE % re.escape(path), mail.body_html)
        self.assertTrue(links, f"a link to {path}")
        return links[0].replace("&amp;", "&")

    def _money(self, amount, lang):
        return format_amount(self.env(context={"lang": lang}), amount, self.company.currency_id)

    # ------------------------------------------------------------------
    # Acknowledgement of every registered request
    # ------------------------------------------------------------------

    def test_acknowledgement_in_greek_with_actions_vat_and_total(self):
        request = self.request  # registered by the customer's contact (a1_common)
        message = self._letters(request)
        self.assertEqual(len(message), 1)
        acceptance = request.acceptance_ids
        line = acceptance.line_ids
        mail = self._assert_letter(
            message,
            self.customer_contact,
            f"το αίτημα υποστήριξής σας {request.name} καταχωρήθηκε",
            "Βλάβη:",
            "myDATA transmission errors",
            line.name,
            "ΦΠΑ 24%",
            self._money(acceptance.amount_untaxed, "el_GR"),
            self._money(acceptance.amount_tax, "el_GR"),
            self._money(acceptance.amount_total, "el_GR"),
        )
        self.assertIn("Σύνολο", mail.body_html)
        self.assertNotIn("Total", mail.body_html, "no English left in the Greek letter")
        link = self._link(mail, f"/my/support/{request.id}?access_token=")
        self.assertIn(request.access_token, link)
        self.assertIn(request.user_id.partner_id, request.message_partner_ids, "the account manager follows it")

    def test_acknowledgement_in_english_for_an_english_customer(self):
        request = self.other_request
        mail = self._assert_letter(
            self._letters(request),
            self.other_contact,
            f"your support request {request.name} is registered",
            "Fault:",
            "Total",
            self._money(request.amount_accepted, "en_US"),
        )
        self.assertNotIn("Σύνολο", mail.body_html)

    def test_phone_request_acknowledges_what_was_accepted_on_the_phone(self):
        wizard = (
            self.env["support.phone.request"]
            .with_user(self.user_support)
            .create(
                {
                    "search_term": "2101234567",
                    "accepted_by_id": self.customer_contact.id,
                    "fault_id": self.fault.id,
                    "description": "Απορρίπτονται τα παραστατικά από το myDATA.",
                }
            )
        )
        wizard.action_register()
        request = wizard.request_id
        self.assertEqual(request.channel, "phone")
        acceptance = request.acceptance_ids
        self.assertEqual(acceptance.channel, "phone")
        mail = self._assert_letter(
            self._letters(request),
            self.customer_contact,
            request.name,
            "αποδέχτηκε τηλεφωνικά",
            self.customer_contact.name,
            acceptance.line_ids.name,
            self._money(acceptance.amount_total, "el_GR"),
        )
        self.assertNotIn(self.user_support.partner_id, mail.recipient_ids, "not to the staff member on the phone")

    # ------------------------------------------------------------------
    # Extra action proposed by the technician
    # ------------------------------------------------------------------

    def _propose_extra(self, request, quantity="2", login="cs_technician"):
        self.authenticate(login, login)
        response = self.url_open(
            f"/my/partner/requests/{request.id}/extra",
            data={
                "product_id": self.product_remote.id,
                "quantity": quantity,
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, response.text[:500])
        self.logout()
        return request.extra_ids.filtered(lambda e: e.state == "proposed")

    def test_extra_action_letter_links_answer_for_this_customer_only(self):
        request = self.request
        before = self._letters(request)
        extra = self._propose_extra(request)
        message = self._letters(request) - before
        self.assertEqual(len(message), 1)
        mail = self._assert_letter(
            message,
            self.customer_contact,
            "ο τεχνικός προτείνει πρόσθετη ενέργεια",
            extra.name,
            self.technician.name,
            self._money(extra.price_total, "el_GR"),
            "Αποδοχή ή απόρριψη",
        )
        link = self._link(mail, f"/my/support/{request.id}?access_token=")
        self.assertTrue(link.endswith("#support_extra_actions"))
        path = link.split(request.get_base_url(), 1)[1].split("#")[0]
        accept = f"/my/support/{request.id}/extra/{extra.id}/accept"

        # Another customer given the link reads the request but cannot answer for the customer.
        response = self._open_page("cs_other_customer", path)
        self.assertNotIn(accept, response.text)
        response = self.url_open(
            accept + "?access_token=" + request.access_token,
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(extra.state, "proposed")
        # A wrong token opens nothing.
        self.logout()
        response = self.url_open(path.replace(request.access_token, "wrong"), allow_redirects=False)
        self.assertEqual(response.status_code, 303)

        # The customer's contact opens the link and accepts.
        response = self._open_page("cs_customer", path)
        self.assertIn(accept, response.text)
        response = self.url_open(accept, data={"csrf_token": http.Request.csrf_token(self)}, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(extra.state, "accepted")
        self.assertEqual(extra.acceptance_id.accepted_by_id, self.customer_contact)

    def test_extra_action_letter_in_english_and_decline_link(self):
        request = self.other_request
        before = self._letters(request)
        extra = self._propose_extra(request, quantity="1", login="cs_other_technician")
        mail = self._assert_letter(
            self._letters(request) - before,
            self.other_contact,
            "the technician proposes an extra action",
            extra.name,
            self._money(extra.price_total, "en_US"),
            "Accept or decline",
        )
        path = self._link(mail, f"/my/support/{request.id}?access_token=").split(request.get_base_url(), 1)[1]
        self.authenticate("cs_other_customer", "cs_other_customer")
        decline = f"/my/support/{request.id}/extra/{extra.id}/decline"
        self.assertIn(decline, self.url_open(path.split("#")[0]).text)
        response = self.url_open(decline, data={"csrf_token": http.Request.csrf_token(self)}, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(extra.state, "refused")

    # ------------------------------------------------------------------
    # A1 Form ready to sign, the reminder and the account manager
    # ------------------------------------------------------------------

    def test_a1_ready_to_sign_letter_with_its_link(self):
        form = self._create_a1()
        mail = self._assert_letter(
            self._letters(form),
            self.customer_contact,
            f"Το Δελτίο Α1 {form.name} είναι έτοιμο για υπογραφή",
            self.technician.name,
            self._money(form.amount_total, "el_GR"),
        )
        self.assertTrue(form.filed_on)
        path = self._link(mail, f"/my/a1/{form.id}?access_token=").split(form.get_base_url(), 1)[1]
        response = self.url_open(path)  # as the recipient who is not logged in
        self.assertEqual(response.status_code, 200)
        self.assertIn(form.name, response.text)
        response = self.url_open(path.replace(form.access_token, "wrong"), allow_redirects=False)
        self.assertEqual(response.status_code, 303)

        english = self._create_a1(self.other_request)
        self._assert_letter(
            self._letters(english),
            self.other_contact,
            f"Your A1 Form {english.name} is ready to sign",
            "Read and sign the A1 Form",
        )
        self.assertFalse(self._letters(self._create_a1(file=False)), "a draft is not ready to sign")

    def _remind(self):
        self._run_cron("certified_support.ir_cron_a1_sign_reminder")

    def _reminders(self, form):
        return self._letters(form).filtered(lambda m: "υπογραφή σας" in (m.subject or ""))

    def _am_activities(self, form):
        return form.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("certified_support.mail_activity_a1_unsigned")
        )

    def test_one_reminder_after_two_working_days_and_the_account_manager_after_five(self):
        # Filed Tuesday 27 October 2026 (Athens): Wednesday 28 is a public holiday, so the
        # 2 working days are Thursday 29 and Friday 30; the 5 end on Wednesday 4 November.
        with freeze_time("2026-10-27 08:00:00"):
            form = self._create_a1()
            signed = self._create_a1(self.other_request)
        signed._sign("Spyros Markopoulos", "scan", pdf=SCAN)
        with freeze_time("2026-10-30 10:00:00"):  # without the holiday it would be due
            self._remind()
        self.assertFalse(self._reminders(form))
        self.assertFalse(form.sign_reminder_sent_on)

        with freeze_time("2026-10-31 04:00:00"):
            self._remind()
        reminder = self._reminders(form)
        self.assertEqual(len(reminder), 1)
        mail = self._assert_letter(reminder, self.customer_contact, form.name, form.request_id.user_id.name)
        self._link(mail, f"/my/a1/{form.id}?access_token={form.access_token}")
        self.assertEqual(form.sign_reminder_sent_on, fields.Datetime.to_datetime("2026-10-31 04:00:00"))
        self.assertFalse(
            self._letters(signed).filtered(lambda m: "Reminder" in (m.subject or "")), "not for a signed form"
        )

        with freeze_time("2026-11-04 10:00:00"):  # 4 working days: still no account manager
            self._remind()
        self.assertEqual(len(self._reminders(form)), 1, "one reminder only")
        self.assertFalse(self._am_activities(form))

        with freeze_time("2026-11-05 04:00:00"):
            self._remind()
            self._remind()
        activity = self._am_activities(form)
        self.assertEqual(len(activity), 1, "one activity, however often the cron runs")
        self.assertEqual(activity.user_id, form.request_id.user_id, "the account manager")
        self.assertIn(form.name, activity.note)
        self.assertEqual(len(self._reminders(form)), 1)
        self.assertFalse(self._am_activities(signed))
        with freeze_time("2026-11-09 04:00:00"):
            self._remind()
        self.assertEqual(len(self._am_activities(form)), 1)

    def test_form_signed_before_the_reminder_gets_none(self):
        with freeze_time("2026-10-27 08:00:00"):
            form = self._create_a1()
        with freeze_time("2026-10-29 09:00:00"):
            form._sign("Γιώργος Παπαδόπουλος", "scan", pdf=SCAN)
        with freeze_time("2026-11-10 04:00:00"):
            self._remind()
        self.assertFalse(self._reminders(form))
        self.assertFalse(form.sign_reminder_sent_on)
        self.assertFalse(self._am_activities(form))

    # ------------------------------------------------------------------
    # Production order: complete it, and each change of its state
    # ------------------------------------------------------------------

    def test_production_order_letters_for_each_state(self):
        form = self._create_signed_a1()
        order = form.production_order_ids
        self.assertEqual(len(order), 1)
        complete = self._letters(order)
        self.assertEqual(len(complete), 1)
        mail = self._assert_letter(
            complete,
            self.customer_contact,
            f"Συμπληρώστε την παραγγελία παραγωγής {order.name}",
            "Αναβάθμιση σε Πήγασος ERP 6",
            form.name,
        )
        path = self._link(mail, f"/my/production-orders/{order.id}?access_token=").split(order.get_base_url(), 1)[1]
        response = self._open_page("cs_customer", path)
        self.assertIn(order.name, response.text)
        self.logout()
        response = self.url_open(path.replace(order.access_token, "wrong"), allow_redirects=False)
        self.assertEqual(response.status_code, 303)

        order.with_user(self.user_production).agreed_amount = 950.0  # no letter: its state is the same
        expected = [
            (lambda: order.action_submit(), "λάβαμε την παραγγελία παραγωγής σας"),
            (lambda: order.with_user(self.user_production).action_request_clarification(), "χρειάζεται διευκρινίσεις"),
            (lambda: order.action_submit(), "λάβαμε την παραγγελία παραγωγής σας"),
            (lambda: order.with_user(self.user_production).action_accept(), self._money(950.0, "el_GR")),
            (lambda: order.action_cancel(), "ακυρώθηκε"),
        ]
        for action, content in expected:
            before = self._letters(order)
            action()
            letter = self._letters(order) - before
            self.assertEqual(len(letter), 1, order.state)
            self._assert_letter(letter, self.customer_contact, order.name, content)
        self.assertNotIn(self.user_production.partner_id, self._letters(order).notification_ids.res_partner_id)

    def test_production_order_letter_in_english(self):
        form = self._create_signed_a1(self.other_request)
        order = form.production_order_ids
        self._assert_letter(self._letters(order), self.other_contact, f"Complete your production order {order.name}")
        order.action_submit()
        self._assert_letter(
            self._letters(order)[-1:], self.other_contact, order.name, "we received your production order"
        )
        self.assertLess(fields.Datetime.now() - order.submitted_on, timedelta(minutes=5))
