import io
from datetime import timedelta
from urllib.parse import urlparse

from odoo import fields
from odoo.http import Request
from odoo.tests import tagged

from .common import FIRM_MANAGER, SupportHttpCommon
from .production_common import ProductionOrderMixin


@tagged("post_install", "-at_install")
class TestProductionPortal(ProductionOrderMixin, SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls.company.support_production_user_id = cls.user_production
        cls.form = cls._create_a1()
        cls._sign_a1(cls.form)
        cls.order = cls.form.production_order_ids
        cls.other_form = cls._create_a1(request=cls.other_request)
        cls._sign_a1(cls.other_form)
        cls.other_order = cls.other_form.production_order_ids

    def _spec(self, **data):
        return {"csrf_token": Request.csrf_token(self), **self._specification(**data)}

    def test_customer_completes_and_submits_the_specification(self):
        response = self._open_page("cs_customer", "/my/production-orders")
        self.assertIn(self.order.name, response.text)
        self.assertNotIn(self.other_order.name, response.text)
        response = self.url_open(self.order.access_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_production_order_form", response.text)
        response = self.url_open(
            self.order.access_url,
            data=self._spec(submit="1"),
            files={"attachments": ("mockup.png", io.BytesIO(b"\x89PNG mockup"), "image/png")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("message=submitted", response.url)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "submitted")
        self.assertEqual(self.order.title, "Πήγασος ERP 6")
        self.assertEqual(self.order.priority, "1")
        self.assertEqual(self.order.deadline_wish, fields.Date.today() + timedelta(days=90))
        self.assertEqual(self.order.business_reason, "Υποχρεωτική διαβίβαση από 1/7.")
        self.assertEqual(self.order.activity_ids.user_id, self.user_production)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "support.production.order"), ("res_id", "=", self.order.id)]
        )
        self.assertEqual(attachment.mapped("name"), ["mockup.png"])
        # submitted: the customer cannot change it any more
        response = self.url_open(self.order.access_url, data=self._spec(title="Άλλο"))
        self.assertIn("cannot be changed", response.text)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.title, "Πήγασος ERP 6")

    def test_errors_keep_the_typed_values(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self.url_open(
            self.order.access_url, data=self._spec(title="", requested_change="Κείμενο που πληκτρολόγησα", submit="1")
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Κείμενο που πληκτρολόγησα", response.text)
        self.assertIn("alert-danger", response.text)
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "draft")
        self.assertNotEqual(self.order.requested_change, "Κείμενο που πληκτρολόγησα")
        response = self.url_open(self.order.access_url, data=self._spec(deadline_wish="2001-01-01"))
        self.assertIn("alert-danger", response.text)

    def test_another_customer_is_refused(self):
        self.authenticate("cs_other_customer", "cs_other_customer")
        for url in (self.order.access_url, f"{self.order.access_url}?access_token=wrong"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(urlparse(response.url).path, "/my")
                self.assertNotIn(self.order.name, response.text)
        response = self.url_open(self.order.access_url, data=self._spec(title="Πειραγμένο"))
        self.assertEqual(urlparse(response.url).path, "/my")
        self.order.invalidate_recordset()
        self.assertNotEqual(self.order.title, "Πειραγμένο")
        self.assertNotIn(self.order.name, self.url_open("/my/production-orders").text)

    def test_token_access(self):
        self.authenticate(None, None)
        response = self.url_open(f"{self.order.access_url}?access_token=wrong")
        self.assertIn("/web/login", response.url)
        response = self.url_open(f"{self.order.access_url}?access_token={self.order.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.order.name, response.text)
        self.assertNotIn("o_production_order_form", response.text, "the token lets its holder read, not change")
        response = self.url_open(
            f"{self.order.access_url}?access_token={self.order.access_token}", data=self._spec(title="Πειραγμένο")
        )
        self.assertIn("cannot be changed", response.text)
        self.order.invalidate_recordset()
        self.assertNotEqual(self.order.title, "Πειραγμένο")

    def test_firm_manager_sees_hardware_notice_in_the_partner_section(self):
        response = self._open_page("cs_firm_manager", "/my/partner")
        self.assertIn("o_support_hardware_notices", response.text)
        self.assertIn("Νέος διακομιστής", response.text)
        self.authenticate("cs_technician", "cs_technician")
        self.assertNotIn("o_support_hardware_notices", self.url_open("/my/partner").text)

    # ------------------------------------------------------------------
    # The firm's own invoice (the firm is not a company here)
    # ------------------------------------------------------------------

    def _invoice_post(self, form, **data):
        values = {
            "external_invoice_ref": "ΤΠΥ 17",
            "external_invoice_date": "2026-03-13",
            "external_invoice_amount": "66,96",
            "external_invoice_mark": "400001234567890",
            **data,
        }
        return self._post_form(f"/my/a1/{form.id}/external-invoice", **values)

    def test_firm_manager_records_the_external_invoice(self):
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        response = self.url_open(f"/my/a1/{self.form.id}")
        self.assertIn("o_a1_external_invoice", response.text)
        response = self._invoice_post(self.form, external_invoice_amount="-3")
        self.assertIn("alert-danger", response.text)
        self.assertIn("ΤΠΥ 17", response.text, "typed values kept")
        self.assertFalse(self.form.external_invoice_ref)
        response = self._invoice_post(self.form)
        self.assertIn("message=invoice_ok", response.url)
        self.form.invalidate_recordset()
        self.assertEqual(self.form.external_invoice_ref, "ΤΠΥ 17")
        self.assertEqual(self.form.external_invoice_mark, "400001234567890")
        self.assertIn("400001234567890", self.url_open(f"/my/a1/{self.form.id}").text, "the MARK beside the number")
        self.assertAlmostEqual(self.form.external_invoice_amount, 66.96)
        self.assertEqual(self.form.invoice_status, "invoiced")
        response = self._invoice_post(self.form, external_invoice_ref="ΤΠΥ 18")
        self.form.invalidate_recordset()
        self.assertEqual(self.form.external_invoice_ref, "ΤΠΥ 17", "recorded once")

    def test_external_invoice_refused_for_others(self):
        other_firm = self._create_firm("Άλλη Πληροφορική Α.Ε.")
        other_manager = self.env["res.partner"].create({"name": "Ελένη Δήμου", "parent_id": other_firm.id})
        self._create_portal_user("cs_other_firm_manager", other_manager, FIRM_MANAGER)
        for login in ("cs_other_firm_manager", "cs_customer", "cs_technician"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                self._invoice_post(self.form)
                self.form.invalidate_recordset()
                self.assertFalse(self.form.external_invoice_ref)
