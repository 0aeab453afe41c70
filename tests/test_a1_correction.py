"""A correction never bills one meeting twice.

A correction supersedes its original when the customer signs it: the original becomes
Corrected and leaves the "to invoice" list; its invoice, if any, is cancelled (a draft)
or reversed with Odoo's credit note (posted), and the correction is invoiced instead.
What followed the original's accepted recommendations (production orders, the hardware
notice, the account manager's to-dos) is not done again.
"""

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import SupportCommon, SupportHttpCommon
from .production_common import RECOMMENDATIONS, ProductionOrderMixin

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

# Software (a production order), hardware (the firm's notice) and other (the account manager's to-do).
SOFTWARE_HARDWARE_OTHER = RECOMMENDATIONS[:3]


class A1CorrectionMixin(ProductionOrderMixin):
    @classmethod
    def _setup_correction_data(cls):
        """The A1 data, the firm as a company that invoices, and no e-mail yet."""
        cls._setup_a1_data()
        cls._setup_firm_company()
        cls.env["mail.mail"].search([]).unlink()

    def _correct(self, form, quantity=1.0, user=None):
        """The account manager corrects the signed form (1 hour instead of the 1.5 billed) and files it."""
        user = user or self.user_support
        action = form.with_user(user).action_correct()
        correction = self.env["support.a1.form"].browse(action["res_id"])
        correction.with_user(user).write({"line_ids": [Command.update(correction.line_ids.id, {"quantity": quantity})]})
        correction.with_user(user).action_file()
        return correction

    def _meeting_invoices(self, *forms):
        """The customer invoices of the meeting that are open: not cancelled, not reversed."""
        return self.env["account.move"].search(
            [
                ("a1_form_id", "in", [form.id for form in forms]),
                ("move_type", "=", "out_invoice"),
                ("state", "!=", "cancel"),
                ("payment_state", "!=", "reversed"),
            ]
        )

    def _credit_notes(self, invoice):
        return self.env["account.move"].search([("reversed_entry_id", "=", invoice.id)])

    def _to_invoice(self):
        user = self.user_firm_accountant
        return (
            self.env["support.a1.form"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
            .search([("invoice_status", "=", "to_invoice"), ("firm_company_id", "in", user.company_ids.ids)])
        )

    def _assert_billed_once(self, original, correction, invoice):
        """Exactly one open invoice for the meeting, the credit note linked, the correction's amounts."""
        self.assertEqual(original.state, "corrected")
        self.assertEqual(original.invoice_status, "no")
        self.assertEqual(invoice.payment_state, "reversed")
        credit_note = self._credit_notes(invoice)
        self.assertEqual(len(credit_note), 1)
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.a1_form_id, original, "listed with the corrected form's invoices")
        self.assertAlmostEqual(credit_note.amount_total, invoice.amount_total)
        self.assertIn(invoice.name, credit_note.ref)
        open_invoices = self._meeting_invoices(original, correction)
        self.assertEqual(len(open_invoices), 1, "exactly one open invoice for the meeting")
        self.assertEqual(open_invoices.a1_form_id, correction)
        self.assertEqual(open_invoices.company_id, self.firm_company)
        self.assertEqual(open_invoices.partner_id, self.customer)
        self.assertAlmostEqual(open_invoices.amount_untaxed, 1 * 36)
        self.assertAlmostEqual(open_invoices.amount_untaxed, correction.amount_untaxed)
        self.assertAlmostEqual(open_invoices.amount_total, correction.amount_total)
        self.assertEqual(correction.invoice_status, "invoiced")
        self.assertNotIn(original, self._to_invoice())
        self.assertNotIn(correction, self._to_invoice())
        return open_invoices, credit_note


@tagged("post_install", "-at_install")
class TestA1Correction(A1CorrectionMixin, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_correction_data()

    def test_correction_of_a_posted_invoice_reverses_it(self):
        original = self._create_signed_a1()
        invoice = self._invoice_a1(original, post=True)
        correction = self._correct(original)
        # Until the customer signs the correction, the original is the signed and invoiced one.
        self.assertEqual(original.state, "signed")
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertEqual(correction.invoice_status, "no")
        self._sign_a1(correction)
        new_invoice, credit_note = self._assert_billed_once(original, correction, invoice)
        self.assertEqual(new_invoice.state, "draft", "invoiced as the original was: a draft to check and post")
        self.assertIn(original.name, new_invoice.narration)
        todo = new_invoice.activity_ids
        self.assertEqual(todo.user_id, self.user_firm_accountant, "the accountant who invoiced the original posts it")
        self.assertIn(correction.name, todo.summary)
        # The reversed invoice and its credit note stay as they are: nothing bills the meeting again.
        accountant = self.env(
            user=self.user_firm_accountant, context=dict(self.env.context, allowed_company_ids=self.firm_company.ids)
        )
        for move in (invoice, credit_note):
            with self.subTest(move=move.name), self.assertRaises(UserError):
                move.with_env(accountant).button_draft()
            with self.subTest(move=move.name), self.assertRaises(UserError):
                move.with_env(accountant).button_cancel()
        with self.assertRaises(UserError):
            original.with_env(accountant).action_create_invoices()
        new_invoice.with_env(accountant).action_post()
        self.assertEqual(len(self._meeting_invoices(original, correction)), 1)

    def test_correction_of_a_draft_invoice_cancels_it(self):
        original = self._create_signed_a1()
        invoice = self._invoice_a1(original)
        correction = self._correct(original)
        self._sign_a1(correction)
        self.assertEqual(invoice.state, "cancel", "a draft is cancelled, not reversed")
        self.assertFalse(self._credit_notes(invoice))
        open_invoices = self._meeting_invoices(original, correction)
        self.assertEqual(len(open_invoices), 1)
        self.assertEqual(open_invoices.a1_form_id, correction)
        self.assertAlmostEqual(open_invoices.amount_untaxed, 1 * 36)
        with self.assertRaises(UserError):
            invoice.with_user(self.user_firm_accountant).with_context(
                allowed_company_ids=self.firm_company.ids
            ).button_draft()

    def test_not_invoiced_yet_the_correction_takes_its_place_in_the_list(self):
        original = self._create_signed_a1()
        self.assertIn(original, self._to_invoice())
        correction = self._correct(original)
        # A correction not signed yet may never be: the original stays the one to invoice,
        # shown with its correction in progress.
        self.assertIn(original, self._to_invoice())
        self.assertTrue(original.has_pending_correction)
        self.assertNotIn(correction, self._to_invoice())
        self._sign_a1(correction)
        self.assertEqual(original.state, "corrected")
        self.assertFalse(original.has_pending_correction)
        self.assertEqual(self._to_invoice() & (original | correction), correction)
        self.assertFalse(self._meeting_invoices(original, correction), "nothing invoiced by itself")
        self._invoice_a1(correction)
        self.assertEqual(len(self._meeting_invoices(original, correction)), 1)
        self.assertAlmostEqual(correction.invoice_ids.amount_untaxed, 1 * 36)

    def test_resigning_creates_no_second_order_notice_or_to_do(self):
        original = self._create_signed_a1(recommendations=SOFTWARE_HARDWARE_OTHER)
        software, hardware, other = original.recommendation_ids
        order = original.production_order_ids
        self.assertEqual(order.recommendation_id, software)
        self.assertEqual(len(self._notices(original)), 1)
        self.assertEqual(len(self._followups(original)), 1)

        correction = self._correct(original)
        self.assertEqual(correction.recommendation_ids.origin_id, original.recommendation_ids, "the lineage")
        correction.write(
            {
                "recommendation_ids": [
                    Command.create({"name": "Νέα αναφορά πωλήσεων", "kind": "software", "estimated_cost": 300.0}),
                ]
            }
        )
        self._sign_a1(correction)  # all accepted again, and the new one
        new = correction.recommendation_ids.filtered(lambda r: not r.origin_id)
        self.assertEqual(correction.production_order_ids.recommendation_id, new, "only the new recommendation")
        self.assertEqual(self.env["support.production.order"].search_count([("partner_id", "=", self.customer.id)]), 2)
        self.assertIn(correction.name, order.message_ids[0].body, "the order's department reads it was kept")
        self.assertFalse(self._notices(correction), "no second hardware notice")
        self.assertFalse(self._followups(correction), "no second to-do for the account manager")

        # A correction of the correction: still nothing again.
        second = self._correct(correction, quantity=0.5)
        self.assertEqual(second.recommendation_ids.origin_id, correction.recommendation_ids)
        self._sign_a1(second)
        self.assertEqual(correction.state, "corrected")
        self.assertFalse(second.production_order_ids)
        self.assertFalse(self._notices(second))
        self.assertFalse(self._followups(second))

    def test_refused_then_accepted_in_the_correction_is_followed_up(self):
        original = self._create_signed_a1(
            recommendations=SOFTWARE_HARDWARE_OTHER, accepted=self.env["support.a1.recommendation"]
        )
        self.assertFalse(original.production_order_ids)
        correction = self._correct(original)
        self._sign_a1(correction)
        self.assertEqual(correction.production_order_ids.recommendation_id.name, "Αναβάθμιση σε Πήγασος ERP 6")
        self.assertEqual(len(self._notices(correction)), 1)
        self.assertEqual(len(self._followups(correction)), 1)

    def test_no_second_rating_request(self):
        original = self._create_signed_a1()

        def rating_messages():
            return self.request.message_ids.filtered(lambda m: "/rate/" in (m.body or ""))

        self.assertEqual(len(rating_messages()), 1)
        self._sign_a1(self._correct(original))
        self.assertEqual(len(rating_messages()), 1, "the same meeting: rated once")

    def test_correction_does_not_restart_the_time_to_rate(self):
        original = self._create_a1()
        original._sign("Γιώργος Παπαδόπουλος", "scan", signed_on="2026-03-13 08:00:00", pdf=b"%PDF-1.4 original")
        self.assertEqual(str(self.request.support_signed_on), "2026-03-13 08:00:00")
        correction = self._correct(original)
        correction._sign(
            "Γιώργος Παπαδόπουλος",
            "scan",
            signed_on="2026-03-20 08:00:00",
            pdf=b"%PDF-1.4 correction",
            accepted_recommendations=correction.recommendation_ids.browse(),
        )
        self.assertEqual(original.state, "corrected")
        self.assertEqual(
            str(self.request.support_signed_on),
            "2026-03-13 08:00:00",
            "the 3 working days to rate count from the customer's first signature",
        )

    def test_one_correction_at_a_time(self):
        original = self._create_signed_a1()
        correction = self._correct(original)
        with self.assertRaisesRegex(UserError, "being corrected already"):
            original.with_user(self.user_support).action_correct()
        with self.assertRaises(UserError):
            self.env["support.a1.form"].create({"request_id": self.request.id, "correction_of_id": original.id})
        correction.with_user(self.user_support).action_cancel()
        second = self._correct(original)
        self._sign_a1(second)
        self.assertEqual(original.state, "corrected")
        with self.assertRaises(UserError):
            original.with_user(self.user_support).action_correct()
        self.assertEqual(second.correction_of_id, original)

    def test_a_correction_signed_after_another_one_is_refused(self):
        """Two corrections filed at once (only possible through two transactions): the second
        signature finds its original corrected already and signs nothing."""
        original = self._create_signed_a1()
        first = self._correct(original)
        first.action_cancel()
        second = self._correct(original)
        self.env.flush_all()
        self.env.cr.execute("UPDATE support_a1_form SET state = 'filed' WHERE id = %s", [first.id])
        self.env.invalidate_all()
        self._sign_a1(second)
        with self.assertRaisesRegex(UserError, "not the signed A1 Form any more"):
            self._sign_a1(first)
        self.assertEqual(first.state, "filed")
        self.assertFalse(first.signed_on)

    def test_corrected_is_set_by_the_signature_only(self):
        original = self._create_signed_a1()
        correction = self._correct(original)
        for env in (self.env(user=self.user_manager), self.env(su=True)):
            with self.subTest(user=env.user.login), self.assertRaisesRegex(UserError, "signs its correction"):
                original.with_env(env).write({"state": "corrected"})
        with self.assertRaises(UserError):
            correction.write({"correction_of_id": False})
        with self.assertRaises(UserError):
            self.env["support.a1.form"].create({"request_id": self.request.id, "correction_of_id": correction.id})
        # a recommendation comes from the form its form corrects, and from nowhere else
        other = self._create_a1(request=self.other_request)
        with self.assertRaises(ValidationError):
            self.env["support.a1.recommendation"].create(
                {"a1_form_id": correction.id, "name": "x", "origin_id": other.recommendation_ids[0].id}
            )
        with self.assertRaises(UserError):
            correction.recommendation_ids[0].write({"origin_id": False})


@tagged("post_install", "-at_install")
class TestA1CorrectionExternalInvoice(A1CorrectionMixin, SupportCommon):
    """The firm invoices in its own system: it credits its invoice there."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()

    def test_externally_invoiced_original(self):
        original = self._create_signed_a1()
        original.sudo()._record_external_invoice("ΤΠΥ 17", "2026-03-13", 66.96, "400001234567890")
        correction = self._correct(original)
        self._sign_a1(correction)
        self.assertEqual(original.state, "corrected")
        self.assertEqual(original.invoice_status, "no")
        self.assertEqual(original.external_invoice_ref, "ΤΠΥ 17", "kept as recorded")
        self.assertEqual(correction.invoice_status, "to_invoice", "the firm records the correction's invoice")
        self.assertIn("ΤΠΥ 17", correction.message_ids[0].body)
        correction.sudo()._record_external_invoice("ΤΠΥ 18", "2026-03-20", 89.28, "400001234567891")
        self.assertEqual(correction.invoice_status, "invoiced")


@tagged("post_install", "-at_install")
class TestA1CorrectionPortal(A1CorrectionMixin, SupportHttpCommon):
    """As users do it: the customer signs online, the accountant invoices, the account manager
    corrects, the customer signs the correction online at /my/a1/<id>."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_correction_data()

    def _sign_online(self, form, accepted):
        response = self._open_page("cs_customer", f"/my/a1/{form.id}")
        self.assertIn("o_a1_sign_button", response.text)
        result = self.make_jsonrpc_request(f"/my/a1/{form.id}/recommendations", {"accepted_ids": accepted.ids})
        self.assertEqual(result["accepted_ids"], accepted.ids)
        result = self.make_jsonrpc_request(
            f"/my/a1/{form.id}/accept", {"name": "Γιώργος Παπαδόπουλος", "signature": PNG}
        )
        self.assertTrue(result.get("force_refresh"), result)
        return response

    def test_invoice_correct_sign_the_correction_online(self):
        original = self._create_a1()
        software, hardware = original.recommendation_ids
        self._sign_online(original, software | hardware)
        self.assertEqual(original.state, "signed")
        self.assertEqual(len(original.production_order_ids), 1)
        self.assertEqual(len(self._notices(original)), 1)
        invoice = self._invoice_a1(original, post=True)
        self.assertAlmostEqual(invoice.amount_untaxed, 1.5 * 36)

        correction = self._correct(original)
        response = self._sign_online(correction, correction.recommendation_ids)
        self.assertIn(original.name, response.text, "the customer sees which A1 Form it corrects")
        self.assertEqual(correction.state, "signed")
        self.assertEqual(correction.signed_how, "portal")
        self._assert_billed_once(original, correction, invoice)
        # Re-signed recommendations: no second production order, no second hardware notice.
        self.assertFalse(correction.production_order_ids)
        self.assertEqual(self.env["support.production.order"].search_count([("partner_id", "=", self.customer.id)]), 1)
        self.assertFalse(self._notices(correction))

        # The customer's pages: both forms, the original marked Corrected, with its signed PDF.
        response = self.url_open("/my/a1")
        self.assertIn(original.name, response.text)
        self.assertIn(correction.name, response.text)
        self.assertIn("fa-history", response.text, "the Corrected badge")
        response = self.url_open(f"/my/a1/{original.id}")
        self.assertIn("o_a1_corrected", response.text)
        self.assertIn(correction.name, response.text)
        self.assertNotIn("o_a1_sign_button", response.text)
        response = self.url_open(f"/my/a1/{original.id}?report_type=pdf")
        self.assertEqual(response.content, original.signed_pdf_id.raw, "the document the customer signed")
        # Signing the original again is refused.
        result = self.make_jsonrpc_request(f"/my/a1/{original.id}/accept", {"name": "Άλλος", "signature": PNG})
        self.assertIn("error", result)
