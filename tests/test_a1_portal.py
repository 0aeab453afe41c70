from odoo.tests import tagged

from .a1_common import A1FormMixin
from .common import SupportHttpCommon

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


@tagged("post_install", "-at_install")
class TestA1Portal(A1FormMixin, SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls.user_technician.tz = "Europe/Athens"

    # ------------------------------------------------------------------
    # Technical Diary
    # ------------------------------------------------------------------

    def _diary_post(self, request, **data):
        return self._post_form(f"/my/partner/requests/{request.id}/a1", **self._diary_values(**data))

    def test_technician_files_the_a1_form(self):
        self.authenticate("cs_technician", "cs_technician")
        response = self.url_open(f"/my/partner/requests/{self.request.id}")
        self.assertIn(f"/my/partner/requests/{self.request.id}/a1", response.text, "the Technical Diary link")
        response = self.url_open(f"/my/partner/requests/{self.request.id}/a1")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Remote support hour", response.text, "prefilled with the accepted actions")
        self.assertIn('value="1.5"', response.text)

        response = self._diary_post(self.request, line_0_quantity="1.25", price_unit="1", line_0_price_unit="1")
        self.assertEqual(response.status_code, 200)
        form = self.env["support.a1.form"].search([("request_id", "=", self.request.id)])
        self.assertEqual(len(form), 1)
        self.assertIn(f"/my/a1/{form.id}", response.url)
        self.assertEqual(form.state, "filed")
        self.assertEqual(form.filed_by_id, self.user_technician, "the technician's signature: who filed it")
        self.assertTrue(form.filed_on)
        self.assertEqual(self.request.state, "done")
        self.assertFalse(self.request.activity_ids, "the account manager's meeting activity is done")
        self.assertAlmostEqual(form.duration, 1.75)
        self.assertEqual(str(form.date_start), "2026-03-12 08:00:00", "Athens time stored in UTC")
        self.assertEqual(form.line_ids.quantity, 1.25)
        self.assertEqual(form.line_ids.price_unit, 36.0, "the accepted price, never the form's")
        self.assertEqual(form.recommendation_ids.kind, "software")
        self.assertEqual(form.recommendation_ids.estimated_cost, 800)
        self.assertIn("Επανεκκίνηση", form.note)
        # a second submit files nothing more
        self._diary_post(self.request)
        self.assertEqual(self.env["support.a1.form"].search_count([("request_id", "=", self.request.id)]), 1)
        # the technician's list
        response = self.url_open("/my/a1")
        self.assertIn(form.name, response.text)

    def test_more_hours_than_accepted_need_an_extra_action(self):
        self.authenticate("cs_technician", "cs_technician")
        page = self.url_open(f"/my/partner/requests/{self.request.id}/a1").text
        self.assertIn("a1_diary_accepted_hours_hint", page)
        self.assertIn(f'href="/my/partner/requests/{self.request.id}"', page, "offers to propose the extra action")
        response = self._diary_post(self.request, line_0_quantity="2")
        self.assertIn("the customer accepted 1.5 h", response.text)
        self.assertIn('value="2"', response.text, "what was typed is kept")
        self.assertFalse(self.request.a1_form_ids)
        # The extra half hour, proposed and accepted: now the two hours are given.
        extra = self.env["support.request.extra"].create(
            {"request_id": self.request.id, "product_id": self.product_remote.id, "quantity": 0.5}
        )
        extra._accept(self.customer_contact, "phone")
        self._diary_post(self.request, line_0_quantity="2")
        self.assertEqual(self.request.a1_form_ids.line_ids.quantity, 2)

    def test_diary_errors_keep_what_was_typed(self):
        self.authenticate("cs_technician", "cs_technician")
        response = self._diary_post(self.request, date_end="2026-03-12T09:00", rec_0_name="Νέος διακομιστής 2TB")
        self.assertIn("alert-danger", response.text)
        self.assertIn("Νέος διακομιστής 2TB", response.text)
        self.assertIn("Επανεκκίνηση της υπηρεσίας", response.text)
        self.assertIn('value="2026-03-12T09:00"', response.text)
        self.assertFalse(self.request.a1_form_ids)

        outside = self.product_db
        response = self._diary_post(self.request, line_0_product_id=str(outside.id))
        self.assertIn("Only the actions the customer accepted can be added.", response.text)
        response = self._diary_post(self.request, add_line="1", new_product_id=str(outside.id), file="")
        self.assertIn("Not accepted by the customer", response.text)
        response = self._diary_post(self.request, line_0_quantity="-1")
        self.assertIn("alert-danger", response.text)
        response = self._diary_post(self.request, line_0_remove="1")
        self.assertIn("at least one service", response.text)
        self.assertFalse(self.request.a1_form_ids)
        self.assertEqual(self.request.state, "scheduled")

    def test_only_the_requests_technician_files(self):
        self.authenticate("cs_technician", "cs_technician")
        self.assertEqual(self.url_open(f"/my/partner/requests/{self.other_request.id}/a1").status_code, 404)
        self.assertEqual(self._diary_post(self.other_request).status_code, 404)
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        response = self._diary_post(self.request)
        self.assertNotIn("/my/a1/", response.url, "the firm manager is not the technician of the meeting")
        self.authenticate("cs_customer", "cs_customer")
        self.assertEqual(self._diary_post(self.request).status_code, 404)
        self.assertFalse((self.request | self.other_request).a1_form_ids)

    # ------------------------------------------------------------------
    # The customer's page, PDF and signature
    # ------------------------------------------------------------------

    def test_customer_page_and_pdf_isolation(self):
        form = self._create_a1()
        form._portal_ensure_token()
        other = self._create_a1(request=self.other_request)
        response = self._open_page("cs_customer", f"/my/a1/{form.id}")
        self.assertIn("Αναβάθμιση σε Πήγασος ERP 6", response.text)
        self.assertIn("o_a1_sign_button", response.text)
        response = self.url_open(f"/my/a1/{form.id}?report_type=pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn(form.name, self.url_open("/my/a1").text)
        self.assertIn(
            f"/my/a1/{form.id}",
            self.url_open(f"/my/support/{self.request.id}").text,
            "the request's page links to its A1 Form",
        )
        self.assertNotIn(other.name, self.url_open("/my/a1").text)
        url = f"/my/a1/{other.id}"
        self._assert_sent_to_my_account((url, f"{url}?report_type=pdf", f"{url}?report_type=pdf&access_token=wrong"))
        result = self.make_jsonrpc_request(f"/my/a1/{other.id}/accept", {"name": "x", "signature": PNG})
        self.assertIn("error", result)
        self.assertEqual(other.state, "filed")

        self.authenticate(None, None)
        for url in (f"/my/a1/{form.id}?access_token=wrong", f"/my/a1/{form.id}?report_type=pdf"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn("/web/login", response.url, "anonymous without the token: redirected to log in")
                self.assertNotIn(form.name, response.text)
        response = self.url_open(f"/my/a1/{form.id}?report_type=pdf&access_token={form.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")

    def test_customer_signs_in_the_portal(self):
        form = self._create_a1()
        software, hardware = form.recommendation_ids
        self.authenticate("cs_customer", "cs_customer")
        result = self.make_jsonrpc_request(f"/my/a1/{form.id}/recommendations", {"accepted_ids": [software.id, 999999]})
        self.assertEqual(result["accepted_ids"], software.ids)
        result = self.make_jsonrpc_request(
            f"/my/a1/{form.id}/accept", {"name": "Γιώργος Παπαδόπουλος", "signature": PNG}
        )
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual(form.state, "signed")
        self.assertEqual(form.signed_by, "Γιώργος Παπαδόπουλος")
        self.assertEqual(form.signed_how, "portal")
        self.assertTrue(form.signed_ip)
        self.assertTrue(form.signature)
        self.assertEqual((software.accepted, hardware.accepted), ("yes", "no"))
        self.assertTrue(form.signed_pdf_id)
        self.assertEqual(len(form.signed_pdf_sha256), 64)
        # locked: no second signature, no change of choices
        result = self.make_jsonrpc_request(f"/my/a1/{form.id}/accept", {"name": "Άλλος", "signature": PNG})
        self.assertIn("error", result)
        result = self.make_jsonrpc_request(f"/my/a1/{form.id}/recommendations", {"accepted_ids": [hardware.id]})
        self.assertIn("error", result)
        self.assertEqual((form.signed_by, software.accepted), ("Γιώργος Παπαδόπουλος", "yes"))
        # the PDF served is the signed one
        response = self.url_open(f"/my/a1/{form.id}?report_type=pdf")
        self.assertEqual(response.content, form.signed_pdf_id.raw)

    def test_technician_cannot_sign_for_the_customer(self):
        form = self._create_a1()
        token = form._portal_ensure_token()
        self.authenticate("cs_technician", "cs_technician")
        # The technician's pages never hand out the customer's link (its token signs).
        for url in (f"/my/a1/{form.id}", "/my/a1", f"/my/support/{form.request_id.id}"):
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200, url)
            self.assertNotIn(token, page.text, url)
        result = self.make_jsonrpc_request(f"/my/a1/{form.id}/accept", {"name": "Νίκος", "signature": PNG})
        self.assertIn("error", result)
        # Not with the customer's token either, while logged in as the technician.
        result = self.make_jsonrpc_request(
            f"/my/a1/{form.id}/accept", {"name": "Νίκος", "signature": PNG, "access_token": token}
        )
        self.assertIn("error", result)
        self.assertEqual(form.state, "filed")

    def test_staff_do_not_sign_online(self):
        """The vendor's staff record a paper signature with the scan wizard; the online
        signature is the customer's."""
        form = self._create_a1()
        self.authenticate("cs_support", "cs_support")
        self.assertNotIn("o_a1_sign_button", self.url_open(f"/my/a1/{form.id}").text)
        result = self.make_jsonrpc_request(f"/my/a1/{form.id}/accept", {"name": "Κώστας", "signature": PNG})
        self.assertIn("error", result)
        self.assertEqual(form.state, "filed")

    def test_link_holder_signs(self):
        """Whoever holds the customer's link signs without logging in (as on a quotation)."""
        form = self._create_a1()
        token = form._portal_ensure_token()
        self.assertIn("o_a1_sign_button", self.url_open(f"/my/a1/{form.id}?access_token={token}").text)
        result = self.make_jsonrpc_request(
            f"/my/a1/{form.id}/accept",
            {"name": "Γιώργος Παπαδόπουλος", "signature": PNG, "access_token": token},
        )
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual((form.state, form.signed_how), ("signed", "portal"))

    def test_sign_tour(self):
        form = self._create_a1()
        self.start_tour(f"/my/a1/{form.id}", "support_a1_sign_tour", login="cs_customer")
        self.assertEqual(form.state, "signed")
        self.assertEqual(form.signed_by, "Γιώργος Παπαδόπουλος")
        self.assertTrue(form.signature)
        self.assertEqual(form.recommendation_ids.mapped("accepted"), ["yes", "no"])
        self.assertTrue(form.signed_pdf_sha256)
