"""No input makes a server error or stores nonsense: a matrix of bad
values posted to every form and JSON route of the addon, through HTTP. Each answer is a
4xx, the form again with a translated message and the typed values, or a JSON error
object; nothing is stored."""

import base64
import io
import re
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.http import Request
from odoo.tests import tagged

from odoo.addons.certified_support import input_bounds

from .common import SupportHttpCommon
from .production_common import ProductionOrderMixin

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 240
    + b"This program cannot be run in DOS mode."
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

BAD_TEXTS = {
    "NUL": "Κείμενο\x00με NUL",
    "control characters": "Κείμενο\x07\x1b[31m",
    "huge": "Χ" * 20001,
}
BAD_NUMBERS = ("nan", "NaN", "inf", "-inf", "Infinity", "1e308", str(2**63), "-1", "abc", "1,2,3", "²", "0x10", "1_0")
BAD_DATES = ("0001-01-01", "9999-12-31", "2026-02-30", "not a date", "12/03/2026", "2026-03-12\x00")
BAD_DATETIMES = ("0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00", "2026-03-12", "yesterday", "\x00")
BAD_IDS = ("abc", "²", "-1", "0", "1.5", "99999999999999999999", str(2**31), "1\x00")
NOT_TEXT = (5, 1.5, [1], {"a": 1}, True)  # JSON values where text is expected
NOT_ID_LIST = (5, 1.5, "12", {"a": 1}, True, ["\ud800"], [1, "x"], [None], [-1], [True], list(range(1, 60)))


@tagged("post_install", "-at_install")
class TestPortalInputBounds(ProductionOrderMixin, SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls.user_technician.tz = "Europe/Athens"
        cls.company.support_production_user_id = cls.user_production
        with freeze_time("2026-03-10"):
            filed_request = cls._a1_scheduled_request(cls.customer, cls.customer_contact, cls.technician)
            signed_request = cls._a1_scheduled_request(cls.customer, cls.customer_contact, cls.technician)
        cls.filed_form = cls._create_a1(filed_request)
        cls.signed_form = cls._create_signed_a1(signed_request)
        cls.order = cls.signed_form.production_order_ids
        cls.other_form = cls._create_a1(cls.other_request)
        cls.other_installation = cls.env["support.installation"].create(
            {"partner_id": cls.other_customer.id, "product_id": cls.product_estes.id, "version": "v7"}
        )
        cls.candidate = cls._create_technician("Στέλιος Καραμανλής", cls.firm)
        other_firm = cls._create_firm("Βορεινή Πληροφορική Α.Ε.")
        cls.other_firm_technician = cls._create_technician("Θεόδωρος Ξενάκης", other_firm)

    # ------------------------------------------------------------------
    # helpers
    # ------------------------------------------------------------------

    def assertAnswered(self, response, status=200):
        """An answer, never a server error."""
        self.assertLess(response.status_code, 500, response.text[:300])
        self.assertEqual(response.status_code, status, response.text[:300])
        return response

    def assertFormRefused(self, response, *kept):
        """The form again, with a translated message and what was typed."""
        self.assertAnswered(response)
        self.assertIn("alert-danger", response.text)
        for text in kept:
            self.assertIn(text, response.text, "the typed values are kept")

    def _jsonrpc(self, url, params):
        """The route's answer; a JSON-RPC error (an exception in the route) fails the test."""
        return self.make_jsonrpc_request(url, params)

    def _count(self, model, domain=()):
        return self.env[model].search_count(list(domain))

    # ------------------------------------------------------------------
    # Customer: new RV request
    # ------------------------------------------------------------------

    def _new_request(self, **overrides):
        page = self.url_open("/my/support/new")
        token = re.search(r'name="submission_token" value="([^"]+)"', page.text).group(1)
        data = {
            "fault_id": str(self.fault.id),
            "description": "Το λογιστικό δεν συνδέεται με τη βάση.",
            "location": "onsite",
            "amount_total": f"{self.fault.amount_total:.2f}",
            "submission_token": token,
            **overrides,
        }
        return self._post_form("/my/support/new", **data)

    def test_new_request_form(self):
        self.authenticate("cs_customer", "cs_customer")
        before = self._count("support.request")
        typed = "Η οθόνη μένει μαύρη."
        cases = [{"description": text} for text in BAD_TEXTS.values()]
        cases += [{"description": " \t\r\n "}]
        cases += [{"desired_date_from": value, "description": typed} for value in BAD_DATES]
        cases += [
            {"desired_date_to": fields.Date.to_string(fields.Date.today() + timedelta(days=400)), "description": typed}
        ]
        cases += [{"fault_id": value, "description": typed} for value in BAD_IDS + (str(self.fault.id) + " x",)]
        cases += [{"installation_id": value, "description": typed} for value in BAD_IDS]
        cases += [{"installation_id": str(self.other_installation.id), "description": typed}]
        cases += [{"amount_total": value, "description": typed} for value in BAD_NUMBERS]
        cases += [{"location": value, "description": typed} for value in ("everywhere", "\x00", "")]
        cases += [
            {"submission_token": value, "description": typed} for value in ("short", "x" * 65 + "\n", "\x00" * 20)
        ]
        for case in cases:
            with self.subTest(case={k: v[:30] for k, v in case.items()}):
                response = self._new_request(**case)
                self.assertFormRefused(response, *([typed] if case.get("description") == typed else []))
        self.assertEqual(self._count("support.request"), before, "nothing registered")

    # ------------------------------------------------------------------
    # Technician: extra actions
    # ------------------------------------------------------------------

    def _propose(self, product_id, quantity):
        return self._post_form(
            f"/my/partner/requests/{self.request.id}/extra", product_id=product_id, quantity=quantity
        )

    def test_extra_action_proposal(self):
        self.authenticate("cs_technician", "cs_technician")
        outside = self.env["product.product"].create({"name": "Not in the catalogue", "type": "service"})
        cases = [(str(self.product_remote.id), value) for value in BAD_NUMBERS + ("0", "", "101")]
        cases += [(value, "2") for value in BAD_IDS + (str(outside.id), "")]
        for product_id, quantity in cases:
            with self.subTest(product_id=product_id, quantity=quantity):
                self.assertFormRefused(self._propose(product_id, quantity))
        self.assertFalse(self.request.extra_ids, "nothing proposed")

    def test_extra_action_posted_twice_is_proposed_once(self):
        self.authenticate("cs_technician", "cs_technician")
        for _attempt in range(2):
            self.assertAnswered(self._propose(str(self.product_remote.id), "2"))
        extra = self.request.extra_ids
        self.assertEqual(len(extra), 1, "the customer could pay it twice")
        self.assertEqual((extra.quantity, extra.state), (2, "proposed"))
        self.assertAnswered(self._propose(str(self.product_remote.id), "1,5"))
        self.assertEqual(len(self.request.extra_ids), 2, "another quantity is another proposal")

    def test_assigned_request_page_shows_no_text_from_the_url(self):
        self.authenticate("cs_technician", "cs_technician")
        response = self.url_open(f"/my/partner/requests/{self.request.id}?error=Call+210+0000000+now")
        self.assertAnswered(response)
        self.assertNotIn("Call 210 0000000 now", response.text)
        response = self.url_open("/my/partner?reminder_error=Call+210+0000000+now")
        self.assertAnswered(response)
        self.assertNotIn("Call 210 0000000 now", response.text)

    # ------------------------------------------------------------------
    # Technician: the A1 Form in the Technical Diary
    # ------------------------------------------------------------------

    def _diary_post(self, **data):
        values = self._diary_values(**{"note": "Σημείωση που πληκτρολόγησα", **data})
        return self._post_form(f"/my/partner/requests/{self.request.id}/a1", **values)

    def test_a1_diary(self):
        self.authenticate("cs_technician", "cs_technician")
        typed = "Σημείωση που πληκτρολόγησα"
        cases = [{"date_start": value} for value in BAD_DATETIMES]
        cases += [{"date_end": value} for value in BAD_DATETIMES]
        cases += [
            {"date_end": "2026-03-14T11:45"},  # a meeting of 49 hours
            {"date_start": "2026-01-02T10:00", "date_end": "2026-01-02T11:00"},  # long before the meeting booked
            {"date_start": "2099-03-12T10:00", "date_end": "2099-03-12T11:00"},  # not held yet
        ]
        cases += [{"line_0_quantity": value} for value in BAD_NUMBERS + ("0", "", "101")]
        cases += [{"line_0_product_id": value} for value in BAD_IDS]
        cases += [{"rec_0_name": text} for text in BAD_TEXTS.values()]
        cases += [{"rec_0_cost": value} for value in BAD_NUMBERS + (str(input_bounds.MAX_AMOUNT + 1),)]
        cases += [{"rec_0_kind": value} for value in ("furniture", "\x00")]
        cases += [
            {"note": BAD_TEXTS["NUL"]},
            {"note": BAD_TEXTS["control characters"]},
            {"note": "Χ" * (input_bounds.LONG_TEXT_MAX_LENGTH + 1)},
        ]
        for case in cases:
            with self.subTest(case={k: v[:30] for k, v in case.items()}):
                self.assertFormRefused(self._diary_post(**case), *([] if "note" in case else [typed]))
        self.assertFalse(self.request.a1_form_ids, "nothing filed")
        self.assertEqual(self.request.state, "scheduled")
        # adding a row with a junk product or hours shows the form again, without an error page
        for value in BAD_IDS:
            with self.subTest(new_product_id=value):
                self.assertAnswered(self._diary_post(add_line="1", file="", new_product_id=value, new_quantity="nan"))
        self.assertFalse(self.request.a1_form_ids)

    # ------------------------------------------------------------------
    # Customer: JSON routes of the A1 Form (recommendations, signature)
    # ------------------------------------------------------------------

    def test_a1_recommendations_json(self):
        self.authenticate("cs_customer", "cs_customer")
        url = f"/my/a1/{self.filed_form.id}/recommendations"
        software = self.filed_form.recommendation_ids[0]
        for value in NOT_ID_LIST:
            with self.subTest(accepted_ids=value):
                result = self._jsonrpc(url, {"accepted_ids": value})
                self.assertIn("error", result)
                self.assertEqual(result["field"], "accepted_ids")
        for value in NOT_TEXT:
            with self.subTest(access_token=value):
                result = self._jsonrpc(url, {"accepted_ids": [software.id], "access_token": value})
                self.assertEqual((result["code"], result["field"]), ("invalid_type", "access_token"))
        self.assertEqual(set(self.filed_form.recommendation_ids.mapped("accepted")), {"pending"})
        # another customer's recommendation ids are ignored, never written
        other_recommendation = self.other_form.recommendation_ids[0]
        result = self._jsonrpc(url, {"accepted_ids": [software.id, other_recommendation.id]})
        self.assertEqual(result, {"accepted_ids": software.ids})
        self.assertEqual(other_recommendation.accepted, "pending")
        result = self._jsonrpc(
            f"/my/a1/{self.other_form.id}/recommendations", {"accepted_ids": [other_recommendation.id]}
        )
        self.assertEqual(result["code"], "not_found")

    def test_a1_signature_json(self):
        self.authenticate("cs_customer", "cs_customer")
        url = f"/my/a1/{self.filed_form.id}/accept"
        signatures = [
            base64.b64encode(SVG).decode(),
            base64.b64encode(b"GIF89a" + b"\x00" * 40).decode(),
            base64.b64encode(EXE).decode(),
            "not base64 at all!",
            "A" * (2 * input_bounds.MAX_SIGNATURE_SIZE),
            "",
            None,
            "12",
            ["\ud800"],
        ] + list(NOT_TEXT)
        for signature in signatures:
            with self.subTest(signature=str(signature)[:30]):
                result = self._jsonrpc(url, {"name": "Γιώργος Παπαδόπουλος", "signature": signature})
                self.assertEqual(sorted(result)[:2], ["code", "error"], result)
        for name in list(BAD_TEXTS.values()) + [" \t ", None, "\ud800"] + list(NOT_TEXT):
            with self.subTest(name=str(name)[:30]):
                result = self._jsonrpc(url, {"name": name, "signature": PNG})
                self.assertIn("error", result)
                self.assertEqual(result["field"], "name")
        self.assertEqual(self.filed_form.state, "filed", "nothing signed")
        self.assertFalse(self.filed_form.signature)
        result = self._jsonrpc(url, {"name": "  Γιώργος Παπαδόπουλος ", "signature": PNG})
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual((self.filed_form.state, self.filed_form.signed_by), ("signed", "Γιώργος Παπαδόπουλος"))

    # ------------------------------------------------------------------
    # Customer: production order (specification and files)
    # ------------------------------------------------------------------

    def _spec(self, files=None, **data):
        values = self._specification(**{"business_reason": "Κείμενο που πληκτρολόγησα", "save": "1", **data})
        return self._post_form(self.order.access_url, files=files, **values)

    def test_production_order_specification(self):
        self.authenticate("cs_customer", "cs_customer")
        typed = "Κείμενο που πληκτρολόγησα"
        title = self.order.title
        cases = []
        for name in ("title", "current_behaviour", "requested_change"):
            cases += [{name: text} for text in BAD_TEXTS.values()]
        cases += [{"title": "Πρώτη\nγραμμή"}]
        cases += [{"deadline_wish": value} for value in BAD_DATES]
        cases += [{"deadline_wish": fields.Date.to_string(fields.Date.today() + timedelta(days=365 * 6))}]
        cases += [{"requested_change": "   \n\t ", "submit": "1"}, {"title": "  ", "submit": "1"}]
        for case in cases:
            with self.subTest(case={k: v[:30] for k, v in case.items()}):
                self.assertFormRefused(self._spec(**case), typed)
        self.order.invalidate_recordset()
        self.assertEqual((self.order.state, self.order.title), ("draft", title), "nothing saved or submitted")
        # an unknown priority is not stored either
        self.assertAnswered(self._spec(priority="\x00"))
        self.order.invalidate_recordset()
        self.assertIn(self.order.priority, ("0", "1", "2"))

    def test_production_order_files_are_checked_by_content(self):
        self.authenticate("cs_customer", "cs_customer")
        typed = "Κείμενο που πληκτρολόγησα"
        Attachment = self.env["ir.attachment"]
        domain = [("res_model", "=", "support.production.order"), ("res_id", "=", self.order.id)]
        before = Attachment.search_count(domain)
        refused = {
            "an .exe named .pdf": ("offer.pdf", EXE, "application/pdf"),
            "an SVG with a script": ("logo.png", SVG, "image/png"),
            "HTML": ("spec.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
            "empty": ("empty.pdf", b"", "application/pdf"),
            "too large": ("big.pdf", PDF + b"0 0 0 re f\r\n" * (input_bounds.MAX_UPLOAD_SIZE // 11), "application/pdf"),
        }
        for what, (name, content, mimetype) in refused.items():
            with self.subTest(what=what):
                response = self._spec(files={"attachments": (name, io.BytesIO(content), mimetype)})
                self.assertFormRefused(response, typed)
        # a control character in the file's name, as a browser would send it (not %-encoded)
        boundary = "----certified-support-test"
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f"{Request.csrf_token(self)}\r\n"
                f'--{boundary}\r\nContent-Disposition: form-data; name="business_reason"\r\n\r\n{typed}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="spec\x07.pdf"\r\n'
                f"Content-Type: application/pdf\r\n\r\n"
            ).encode()
            + PDF
            + f"\r\n--{boundary}--\r\n".encode()
        )
        response = self.url_open(
            self.order.access_url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        self.assertFormRefused(response, typed)
        many = [
            ("attachments", (f"p{i}.pdf", io.BytesIO(PDF), "application/pdf"))
            for i in range(input_bounds.MAX_UPLOADS + 1)
        ]
        self.assertFormRefused(self._spec(files=many), typed)
        self.assertEqual(Attachment.search_count(domain), before, "nothing stored")
        # a real PDF named as an image is stored as what it is
        response = self._spec(files={"attachments": ("..\\..\\scan.png", io.BytesIO(PDF), "image/png")})
        self.assertIn("message=saved", self.assertAnswered(response).url)
        attachment = Attachment.search(domain, order="id desc", limit=1)
        self.assertEqual((attachment.name, attachment.mimetype), ("scan.png", "application/pdf"))

    # ------------------------------------------------------------------
    # Firm manager: the firm's own invoice of an A1 Form, proposals, exports
    # ------------------------------------------------------------------

    def test_external_invoice(self):
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        url = f"/my/a1/{self.signed_form.id}/external-invoice"
        good = {
            "external_invoice_ref": "ΤΠΥ 17",
            "external_invoice_date": "2026-03-13",
            "external_invoice_amount": "66,96",
            "external_invoice_mark": "400001234567890",
        }
        tomorrow = fields.Date.to_string(fields.Date.today() + timedelta(days=1))
        cases = [{"external_invoice_ref": text} for text in list(BAD_TEXTS.values()) + ["  ", "Χ" * 65]]
        cases += [{"external_invoice_date": value} for value in BAD_DATES + (tomorrow, "")]
        cases += [{"external_invoice_amount": value} for value in BAD_NUMBERS + ("", "1000000.01")]
        cases += [
            {"external_invoice_mark": value}
            for value in (
                "",
                "40000123456789",
                "4000012345678901",
                "40000123456789X",
                "４００００１２３４５６７８９０",
                "400001234567890\x00",
            )
        ]
        for case in cases:
            with self.subTest(case={k: v[:30] for k, v in case.items()}):
                response = self._post_form(url, **{**good, **case})
                self.assertFormRefused(response, *[value for key, value in good.items() if key not in case])
        self.signed_form.invalidate_recordset()
        self.assertFalse(self.signed_form.external_invoice_ref, "nothing recorded")
        self.assertIn("message=invoice_ok", self._post_form(url, **good).url)

    def test_technician_proposal(self):
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        for value in BAD_IDS + (str(self.other_firm_technician.id), "", str(self.customer_contact.id)):
            with self.subTest(technician_id=value):
                response = self._post_form("/my/partner/scorecard/propose", technician_id=value)
                self.assertFormRefused(response)
        self.assertFalse(self.candidate.support_proposal_state in ("proposed", "approved"))
        self.assertFalse(self.other_firm_technician.support_proposal_state in ("proposed", "approved"))

    # ------------------------------------------------------------------
    # Any user: ids, pages and parameters of the GET routes
    # ------------------------------------------------------------------

    def test_get_routes_with_junk(self):
        huge = "99999999999999999999"
        cases = {
            "cs_customer": [
                f"/my/support/{huge}",
                f"/my/support/page/{huge}",
                "/my/support?sortby=%00&filterby=x%00",
                "/my/contracts?sortby=nope",
                f"/my/contracts/{huge}",
                f"/my/a1/{huge}",
                f"/my/a1/{self.filed_form.id}?report_type=%00&download=%00&message=%00",
                f"/my/production-orders/{huge}",
                f"/my/production-orders/page/{huge}",
                f"/my/support/{self.request.id}?message=%00&access_token=%00",
            ],
            "cs_technician": [
                f"/my/partner/requests/{huge}",
                f"/my/partner/requests/{huge}/a1",
                "/my/partner?reminder=%00",
                f"/my/a1/page/{huge}",
            ],
            "cs_firm_manager": [
                "/my/partner/export/%00.xlsx",
                "/my/partner/export/a1_register.xlsx?firm_id=1",
                "/my/partner/scorecard?proposed=%00",
            ],
            "cs_accountant": [f"/certified_support/xlsx_export/{huge}", "/certified_support/xlsx_export/0"],
        }
        for login, urls in cases.items():
            self.authenticate(login, login)
            for url in urls:
                with self.subTest(login=login, url=url):
                    response = self.url_open(url)
                    self.assertLess(response.status_code, 500, response.text[:300])
        for url in (
            f"/my/partner/requests/{huge}/extra",
            f"/my/partner/requests/{huge}/rating_reminder",
            f"/my/a1/{huge}/external-invoice",
        ):
            with self.subTest(url=url):
                self.assertLess(self._post_form(url).status_code, 500)
        result = self._jsonrpc(f"/my/a1/{huge}/accept", {"name": "x", "signature": PNG})
        self.assertEqual(result["code"], "not_found")
