from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import SupportHttpCommon


@tagged("post_install", "-at_install")
class TestPortalAccess(SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-10"):
            cls.contract = cls._create_contract(start="2026-01-01", end="2026-12-31", state="active")
            cls.other_contract = cls._create_contract(
                partner=cls.other_customer, start="2026-01-01", end="2026-12-31", state="active"
            )
        cls.installation = cls.env["support.installation"].create(
            {
                "partner_id": cls.customer.id,
                "product_id": cls.product_estes.id,
                "firm_id": cls.firm.id,
            }
        )
        cls.contract.installation_ids = [Command.link(cls.installation.id)]

    def _get(self, url):
        return self.url_open(url, allow_redirects=False)

    def test_customer_lists_and_opens_own_contracts(self):
        response = self._open_page("cs_customer", "/my/contracts")
        self.assertIn(self.contract.name, response.text)
        self.assertNotIn(self.other_contract.name, response.text)

        response = self.url_open(f"/my/contracts/{self.contract.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.contract.name, response.text)
        self.assertIn("2026", response.text)

    def test_customer_sees_the_fee_invoice_and_whether_it_is_paid(self):
        if not self.env["account.journal"].search_count([("company_id", "=", self.company.id), ("type", "=", "sale")]):
            self.env["account.chart.template"].try_loading("generic_coa", company=self.company, install_demo=False)
        contract = self._create_contract(start="2027-01-01", end="2027-12-31", state="active")
        invoice = contract.sudo().invoice_ids
        self.assertEqual(len(invoice), 1, "activating drafts the fee invoice")
        self.authenticate("cs_customer", "cs_customer")
        page = self.url_open(f"/my/contracts/{contract.id}").text
        self.assertNotIn("o_support_contract_fee", page, "a draft is the accountant's, not the customer's")
        invoice.write({"invoice_date": "2027-01-05", "invoice_date_due": "2027-01-20"})
        invoice.action_post()
        page = self.url_open(f"/my/contracts/{contract.id}").text
        self.assertIn("o_support_contract_fee", page)
        self.assertIn(invoice.name, page)
        self.assertIn("To pay", page)
        self.assertIn(invoice.access_url, page)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": "2027-01-10"}
        )._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        page = self.url_open(f"/my/contracts/{contract.id}").text
        self.assertIn("Paid", page)
        self.assertNotIn("To pay", page)
        # The customer's fee invoice is theirs: another customer sees neither it nor the contract.
        self.authenticate("cs_other_customer", "cs_other_customer")
        response = self._get(f"/my/contracts/{contract.id}")
        self.assertEqual(response.status_code, 303)
        self.assertNotIn(invoice.name, response.text)

    def test_customer_cannot_open_another_customers_contract(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self._get(f"/my/contracts/{self.other_contract.id}")
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertNotIn(self.other_contract.name, response.text)
        # with a wrong token too
        response = self._get(f"/my/contracts/{self.other_contract.id}?access_token=wrong")
        self.assertEqual(response.status_code, 303)

    def test_token_access(self):
        token = self.other_contract._portal_ensure_token()
        self.assertEqual(self._get(f"/my/contracts/{self.other_contract.id}?access_token=nope").status_code, 303)
        self.assertEqual(self._get(f"/my/contracts/{self.other_contract.id}").status_code, 303)
        response = self._get(f"/my/contracts/{self.other_contract.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.other_contract.name, response.text)

    def test_missing_contract_is_a_clean_redirect(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self._get("/my/contracts/999999999")
        self.assertEqual(response.status_code, 303)
        response = self._get("/my/contracts?sortby=junk&page=abc")
        self.assertIn(response.status_code, (200, 404))

    def test_anonymous_list_redirects_to_login(self):
        response = self._get("/my/contracts")
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_home_counts_contracts(self):
        self.authenticate("cs_customer", "cs_customer")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["support_contract_count"]})
        self.assertEqual(counters["support_contract_count"], 1)

    def test_partner_section_for_technicians_only(self):
        self.authenticate("cs_customer", "cs_customer")
        self.assertEqual(self._get("/my/partner").status_code, 404)

        response = self._open_page("cs_technician", "/my/partner")
        self.assertIn(self.technician.name, response.text)
        self.assertIn(self.firm.name, response.text)
        self.assertNotIn(self.firm_manager.name, response.text, "only a firm manager lists the technicians")

        response = self._open_page("cs_firm_manager", "/my/partner")
        self.assertIn(self.technician.name, response.text)
        self.assertIn(self.firm_manager.name, response.text)


@tagged("post_install", "-at_install")
class TestRequestAttachmentAccess(SupportHttpCommon):
    """A customer reaches another customer's request by no route: page, token or attachment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        fault = cls._create_fault("F02", "Year-end closing", [(cls.product_remote, 3)])
        cls.other_request = cls.env["support.request"].create(
            {"partner_id": cls.other_customer.id, "contact_id": cls.other_contact.id, "fault_id": fault.id}
        )
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "screenshot.png",
                "raw": b"\x89PNG\r\n\x1a\n private screenshot of the other customer",
                "res_model": "support.request",
                "res_id": cls.other_request.id,
            }
        )

    def test_other_customers_attachment_is_refused(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self.url_open(f"/web/content/{self.attachment.id}", allow_redirects=False)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn(b"private screenshot", response.content)
        response = self.url_open(f"/web/content/{self.attachment.id}?access_token=wrong", allow_redirects=False)
        self.assertIn(response.status_code, (403, 404))
        response = self.url_open(f"/my/support/{self.other_request.id}", allow_redirects=False)
        self.assertNotEqual(response.status_code, 200)
