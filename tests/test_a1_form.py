import base64
import hashlib

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .a1_common import A1FormMixin
from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestA1Form(A1FormMixin, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()

    def test_duration_computed_from_the_meeting_times(self):
        form = self._create_a1(file=False)
        self.assertAlmostEqual(form.duration, 1.75)
        form.date_end = "2026-03-12 11:00:00"
        self.assertAlmostEqual(form.duration, 3.0)
        with self.assertRaises(ValidationError):
            form.date_end = "2026-03-12 07:00:00"

    def test_number_and_request_details(self):
        form = self._create_a1(file=False)
        self.assertTrue(form.name.startswith("A1/"), form.name)
        self.assertEqual(form.partner_id, self.customer)
        self.assertEqual(form.technician_id, self.technician)
        self.assertEqual(form.firm_id, self.firm)
        self.assertEqual(form.company_id, self.company)

    def test_lines_prefilled_from_the_accepted_actions(self):
        extra = self.env["support.request.extra"].create(
            {"request_id": self.request.id, "product_id": self.product_db.id, "quantity": 2}
        )
        extra._accept(self.customer_contact, "phone")
        refused = self.env["support.request.extra"].create(
            {"request_id": self.request.id, "product_id": self.product_estes.id, "quantity": 1}
        )
        refused.state = "refused"
        form = self._create_a1(file=False)
        self.assertEqual(form.line_ids.product_id, self.product_remote | self.product_db)
        remote = form.line_ids.filtered(lambda line: line.product_id == self.product_remote)
        self.assertEqual(remote.quantity, 1.5)
        self.assertAlmostEqual(form.amount_untaxed, 1.5 * 36 + 2 * 60)
        self.assertAlmostEqual(form.amount_total, (1.5 * 36 + 2 * 60) * 1.24)

    def test_hours_and_price_within_what_was_accepted(self):
        form = self._create_a1(file=False)
        line = form.line_ids
        for user in (self.user_support, self.user_manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(ValidationError, "accepted 1.5 h"), self.env.cr.savepoint():
                    line.with_user(user).quantity = 1.75
                with self.assertRaisesRegex(ValidationError, "price the customer accepted"), self.env.cr.savepoint():
                    line.with_user(user).price_unit = 40.0
                with self.assertRaisesRegex(ValidationError, "accepted 1.5 h"), self.env.cr.savepoint():
                    form.with_user(user).write(
                        {"line_ids": [Command.create({"product_id": self.product_remote.id, "quantity": 0.5})]}
                    )
        line.quantity = 1.0
        self.assertEqual(line.quantity, 1.0, "fewer hours than accepted: fine")

    def test_unaccepted_line_is_refused(self):
        form = self._create_a1(file=False)
        with self.assertRaisesRegex(ValidationError, "not accepted by the customer"):
            form.write({"line_ids": [Command.create({"product_id": self.product_db.id, "quantity": 1})]})
        # a product of a proposed (not yet accepted) extra action is refused too
        self.env["support.request.extra"].create(
            {"request_id": self.request.id, "product_id": self.product_db.id, "quantity": 2}
        )
        with self.assertRaises(ValidationError):
            form.write({"line_ids": [Command.create({"product_id": self.product_db.id, "quantity": 1})]})
        with self.assertRaises(ValidationError):
            form.line_ids.product_id = self.product_estes

    def test_filing_moves_the_request_to_done(self):
        form = self._create_a1(file=False)
        self.assertEqual(self.request.state, "scheduled")
        meeting = self.request.activity_ids.filtered(lambda a: a.activity_type_id.category == "meeting")
        self.assertEqual(meeting.calendar_event_id, self.request.event_id, "the calendar's activity for the meeting")
        self.assertEqual(meeting.user_id, self.request.user_id)
        form.action_file()
        self.assertEqual(form.state, "filed")
        self.assertEqual(self.request.state, "done")
        self.assertFalse(self.request.activity_ids, "the meeting took place: nothing left to do on the request")
        self.assertFalse(meeting.active, "done, kept in the history")
        done_message = self.request.message_ids.filtered(lambda m: m.mail_activity_type_id.category == "meeting")
        self.assertIn(f"A1 Form {form.name} filed.", done_message.body)
        with self.assertRaises(UserError):
            form.action_file()

    def test_filing_needs_times_and_services(self):
        form = self._create_a1(file=False, date_end=False)
        with self.assertRaises(UserError):
            form.action_file()
        form.date_end = "2026-03-12 09:00:00"
        form.line_ids.unlink()
        with self.assertRaises(UserError):
            form.action_file()

    def _render_html(self, form):
        self.env["res.lang"]._activate_lang("el_GR")
        return self._a1_report_html(form)

    def test_pdf_renders_in_greek_with_the_content(self):
        form = self._create_a1()
        html = self._render_html(form)
        self.assertEqual(html.count("<html"), 1)
        self.assertIn("π.μ.", html, "dates formatted in the customer's language (Greek)")
        for text in (
            form.name,
            self.customer.name,
            self.technician.name,
            self.firm.name,
            self.company.name,
            self.request.name,
            "Remote support hour",
            "Αναβάθμιση σε Πήγασος ERP 6",
            "Επανεκκίνηση της υπηρεσίας διαβίβασης",
            "01:45",
            "1.500,00",
            "66,96",
        ):
            self.assertIn(text, html)
        self.assertIn('name="signature_boxes"', html)
        pdf = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("certified_support.action_report_support_a1_form", form.ids)[0]
        )
        self.assertTrue(pdf.startswith(b"%PDF"))

    def _sign_online(self, form):
        return form._sign(
            "Γιώργος Παπαδόπουλος",
            "portal",
            ip_address="10.0.0.7",
            signature=self._png(),
            accepted_recommendations=form.recommendation_ids[0],
        )

    @staticmethod
    def _png():
        # a 1x1 transparent PNG
        return "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

    def test_online_signature_locks_and_keeps_evidence(self):
        form = self._create_a1()
        self._sign_online(form)
        self.assertEqual(form.state, "signed")
        self.assertEqual(form.signed_how, "portal")
        self.assertEqual(form.signed_ip, "10.0.0.7")
        self.assertEqual(form.recommendation_ids.mapped("accepted"), ["yes", "no"])
        self.assertTrue(form.signed_pdf_id)
        self.assertEqual(form.signed_pdf_id.res_id, form.id)
        self.assertEqual(form.signed_pdf_sha256, hashlib.sha256(form.signed_pdf_id.raw).hexdigest())
        with self.assertRaises(UserError):
            self._sign_online(form)

    def test_scan_path(self):
        form = self._create_a1()
        scan = b"%PDF-1.4 scanned page"
        wizard = (
            self.env["support.a1.scan"]
            .with_user(self.user_support)
            .create(
                {
                    "a1_form_id": form.id,
                    "scan": base64.b64encode(scan),
                    "scan_filename": "a1.pdf",
                    "signed_by": "Γιώργος Παπαδόπουλος",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(form.state, "signed")
        self.assertEqual(form.signed_how, "scan")
        self.assertEqual(form.signed_pdf_id.raw, scan)
        self.assertEqual(form.signed_pdf_sha256, hashlib.sha256(scan).hexdigest())
        not_pdf = self._create_a1(request=self.other_request)
        with self.assertRaises(UserError):
            self.env["support.a1.scan"].create(
                {"a1_form_id": not_pdf.id, "scan": base64.b64encode(b"GIF89a"), "signed_by": "X"}
            ).action_confirm()
        self.assertEqual(not_pdf.state, "filed")

    def test_no_edit_after_signing_for_any_role(self):
        form = self._create_a1()
        self._sign_online(form)
        line, recommendation = form.line_ids[0], form.recommendation_ids[0]
        edits = {
            "times": lambda f: f.write({"date_end": "2026-03-12 12:00:00"}),
            "note": lambda f: f.write({"note": "<p>changed</p>"}),
            "state": lambda f: f.write({"state": "draft"}),
            "line": lambda f: f.line_ids[0].write({"quantity": 9}),
            "line via form": lambda f: f.write({"line_ids": [Command.update(line.id, {"quantity": 9})]}),
            "new line": lambda f: f.env["support.a1.form.line"].create(
                {"a1_form_id": f.id, "product_id": self.product_remote.id}
            ),
            "line unlink": lambda f: f.line_ids[0].unlink(),
            "recommendation": lambda f: f.recommendation_ids[0].write({"accepted": "no"}),
            "new recommendation": lambda f: f.env["support.a1.recommendation"].create(
                {"a1_form_id": f.id, "name": "x"}
            ),
            "recommendation unlink": lambda f: f.recommendation_ids[0].unlink(),
            "unlink": lambda f: f.unlink(),
            "cancel": lambda f: f.action_cancel(),
        }
        users = {
            "superuser": self.env.user,
            "manager": self.user_manager,
            "support": self.user_support,
            "accountant": self.user_accountant,
            "customer": self.user_customer,
            "technician": self.user_technician,
            "firm manager": self.user_firm_manager,
        }
        for role, user in users.items():
            for what, edit in edits.items():
                with self.subTest(role=role, edit=what), self.assertRaises(UserError):  # AccessError is a UserError
                    edit(form.with_user(user))
        self.assertEqual(form.state, "signed")
        self.assertEqual(line.quantity, 1.5)
        self.assertEqual(recommendation.accepted, "yes")
        # the superuser is stopped by the lock itself, not by access rights
        with self.assertRaisesRegex(UserError, "signed by the customer"):
            form.sudo().write({"date_end": "2026-03-12 12:00:00"})

    def test_correction_is_a_new_linked_form(self):
        form = self._create_a1()
        self._sign_online(form)
        action = form.action_correct()
        correction = self.env["support.a1.form"].browse(action["res_id"])
        self.assertEqual(correction.correction_of_id, form)
        self.assertEqual(correction.state, "draft")
        self.assertNotEqual(correction.name, form.name)
        self.assertEqual(correction.line_ids.product_id, form.line_ids.product_id)
        self.assertEqual(correction.recommendation_ids.mapped("accepted"), ["pending", "pending"])
        correction.line_ids.quantity = 1.25
        self.assertEqual(form.line_ids.quantity, 1.5)

    def test_record_rules(self):
        form = self._create_a1()
        other = self._create_a1(request=self.other_request)
        Form = self.env["support.a1.form"]
        self.assertEqual(Form.with_user(self.user_customer).search([]), form)
        self.assertEqual(Form.with_user(self.user_other_customer).search([]), other)
        self.assertEqual(Form.with_user(self.user_technician).search([]), form)
        self.assertEqual(Form.with_user(self.user_firm_manager).search([]), form | other)
        with self.assertRaises(AccessError):
            other.with_user(self.user_customer).read(["name"])
        with self.assertRaises(AccessError):
            form.with_user(self.user_technician).write({"note": "<p>x</p>"})
        self.assertEqual(self.env["support.a1.form.line"].with_user(self.user_customer).search([]), form.line_ids)
