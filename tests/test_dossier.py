"""The evidence dossier: one PDF per request that an auditor reads from top to bottom."""

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SupportCommon
from .rating_common import SCAN, RatingMixin


@tagged("post_install", "-at_install")
class TestDossier(RatingMixin, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rating_data()
        cls.company.support_corrective_user_id = cls.user_manager
        # The history of states is the chatter's tracking: on for this request, written
        # at the end of each step as a commit would.
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        with freeze_time("2026-03-10"):
            request = cls.env["support.request"].create(
                {
                    "partner_id": cls.customer.id,
                    "contact_id": cls.customer_contact.id,
                    "fault_id": cls.fault.id,
                    "location": "onsite",
                }
            )
            request._register_request(cls.customer_contact, ip_address="203.0.113.7")
            cls.env.cr.precommit.run()
            cls.env["support.request.schedule"].with_context(default_request_id=request.id).create(
                {
                    "start": "2026-03-12 08:00:00",
                    "technician_id": cls.technician.id,
                    "location": "onsite",
                    "address": "Λεωφ. Συγγρού 120, Αθήνα",
                }
            ).action_confirm()
            cls.env.cr.precommit.run()
        form = cls._create_a1(request)
        cls.env.cr.precommit.run()
        form._sign("Γιώργος Παπαδόπουλος", "scan", signed_on="2026-03-13 08:00:00", pdf=SCAN)
        cls.env.cr.precommit.run()
        cls.request_signed = request
        rating = cls.request_signed.rating_ids.filtered(lambda r: not r.consumed)
        cls.request_signed.rating_apply(1, rating=rating, feedback="Ο τεχνικός άργησε.")
        cls.report = cls.env.ref("certified_support.action_report_support_request_dossier")

    def _html(self, user, request=None, lang=None):
        report = self.report.with_user(user)
        if lang:
            report = report.with_context(lang=lang)
        return report._render_qweb_html(report.report_name, (request or self.request_signed).ids)[0].decode()

    def test_dossier_tells_every_step(self):
        request = self.request_signed
        self.customer_contact.lang = "en_US"
        html = self._html(self.user_manager)
        form = request.a1_form_ids
        acceptance = request.acceptance_ids
        for expected in (
            request.name,
            request.contract_id.name,  # the gate's decision
            acceptance.accepted_by_id.name,  # who accepted, how, the lines
            acceptance.line_ids.name,
            "Portal" if acceptance.channel == "portal" else "Phone",
            "Λεωφ. Συγγρού 120",  # the meeting
            form.name,  # the A1 Form, its signature and hash
            form.signed_pdf_sha256,
            "the stored document is intact",
            "Αναβάθμιση σε Πήγασος ERP 6",  # recommendations
            "1</strong> out of 5",  # the rating and its source
            "Ο τεχνικός άργησε.",
            "Corrective action",
            "203.0.113.7",
            "Registered",  # the history
            "To schedule",
            "Scheduled",
        ):
            self.assertIn(expected, html)

    def test_dossier_shows_a_tampered_document(self):
        form = self.request_signed.a1_form_ids
        self.assertEqual(form._check_signature_integrity(), {form.id: True})
        # What only someone with database access could do: replace the stored bytes.
        self.env.cr.execute(
            "UPDATE ir_attachment SET db_datas = %s, store_fname = NULL WHERE id = %s",
            (b"%PDF-1.4 another page", form.signed_pdf_id.id),
        )
        form.signed_pdf_id.invalidate_recordset()
        self.assertEqual(form._check_signature_integrity(), {form.id: False})
        self.assertIn("does not match its hash", self._html(self.user_manager))

    def test_dossier_in_the_customers_language(self):
        self.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        self.customer_contact.lang = "el_GR"
        html = self._html(self.user_manager)
        self.assertIn("Φάκελος τεκμηρίωσης", html)
        self.assertIn("Καταχωρίστηκε", html, "the history in Greek too")
        self.assertIn("Προς προγραμματισμό", html)

    def test_only_support_managers_print_it(self):
        for user in (self.user_support, self.user_accountant, self.user_customer, self.user_technician):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._html(user)
