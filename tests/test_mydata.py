from psycopg2.errors import CheckViolation

from odoo.exceptions import UserError, ValidationError
from odoo.http import Request
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..input_bounds import InputError, parse_mydata_mark
from .common import SupportCommon, SupportDataMixin, SupportHttpCommon
from .mydata_common import MyDataMixin
from .production_common import ProductionOrderMixin


@tagged("post_install", "-at_install")
class TestMyData(MyDataMixin, ProductionOrderMixin, SupportDataMixin, TransactionCase):
    """Every invoice of the addon passes l10n_gr_edi's pre-send checks and builds the myDATA
    XML of a service invoice: the vendor and the firm are Greek companies (l10n_gr's chart)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls._setup_greek_vendor(cls.env.company)
        cls._setup_support_data()
        gr = cls.env.ref("base.gr")
        cls.customer.write({"vat": "EL094761359", "country_id": gr.id, "zip": "546 25", "city": "Θεσσαλονίκη"})
        # A private customer: no ΑΦΜ (retail receipts)
        cls.other_customer.write({"name": "Ελένη Σταθοπούλου", "country_id": gr.id, "zip": "262 21", "city": "Πάτρα"})
        cls._setup_a1_data()
        cls.firm_company = cls._setup_greek_firm_company(cls.firm)
        cls.vendor_s24_services = cls._gr_tax(cls.vendor, "l10n_gr_tax_s24_S")
        cls.firm_s24_services = cls._gr_tax(cls.firm_company, "l10n_gr_tax_s24_S")
        cls.firm_s24_goods = cls._gr_tax(cls.firm_company, "l10n_gr_tax_s24_G")
        # The firm's chart gave the services its default sales tax, the 24% on goods: the trap.
        cls.product_remote.taxes_id = cls.vendor_s24_services | cls.firm_s24_goods
        cls.production_product = cls.env.ref("certified_support.product_production_order_service")
        cls.production_product.taxes_id = cls.vendor_s24_services

    def _assert_service_line(self, xml_invoice, inv_type, cls_type, net, vat):
        self.assertEqual(self._xml_text(xml_invoice, "inv:invoiceHeader/inv:invoiceType"), inv_type)
        self.assertEqual(self._xml_text(xml_invoice, "inv:invoiceHeader/inv:currency"), "EUR")
        detail = xml_invoice.find("inv:invoiceDetails", namespaces={"inv": "http://www.aade.gr/myDATA/invoice/v1.0"})
        self.assertEqual(self._xml_text(detail, "inv:vatCategory"), "1", "VAT category 1: 24%")
        self.assertAlmostEqual(float(self._xml_text(detail, "inv:netValue")), net)
        self.assertAlmostEqual(float(self._xml_text(detail, "inv:vatAmount")), vat)
        self.assertEqual(
            self._xml_text(detail, "inv:incomeClassification/icls:classificationCategory"),
            "category1_3",
            "income from services",
        )
        self.assertEqual(self._xml_text(detail, "inv:incomeClassification/icls:classificationType"), cls_type)
        self.assertEqual(
            self._xml_texts(xml_invoice, "inv:paymentMethods/inv:paymentMethodDetails/inv:type"),
            ["5"],
            "issued on credit",
        )
        self.assertAlmostEqual(float(self._xml_text(xml_invoice, "inv:invoiceSummary/inv:totalNetValue")), net)
        self.assertAlmostEqual(float(self._xml_text(xml_invoice, "inv:invoiceSummary/inv:totalVatAmount")), vat)
        self.assertAlmostEqual(float(self._xml_text(xml_invoice, "inv:invoiceSummary/inv:totalGrossValue")), net + vat)
        self.assertEqual(
            self._xml_text(xml_invoice, "inv:invoiceSummary/inv:incomeClassification/icls:classificationType"), cls_type
        )

    def test_a1_invoice_b2b(self):
        form = self._create_a1()
        self._sign_a1(form)
        move = self._invoice_a1(form, post=True)
        self.assertEqual(move.company_id, self.firm_company)
        self.assertEqual(
            move.invoice_line_ids.tax_ids,
            self.firm_s24_services,
            "the firm's 24% on services, not the goods tax the product carries",
        )
        self.assertEqual(move.l10n_gr_edi_inv_type, "2.1", "a service invoice to a customer with ΑΦΜ")
        self.assertEqual(self._mydata_pre_errors(move), {})
        xml_invoice = self._mydata_xml(move).find(
            "inv:invoice", namespaces={"inv": "http://www.aade.gr/myDATA/invoice/v1.0"}
        )
        self.assertEqual(self._xml_text(xml_invoice, "inv:issuer/inv:vatNumber"), "801456783", "the firm issues it")
        self.assertEqual(self._xml_text(xml_invoice, "inv:counterpart/inv:vatNumber"), "094761359")
        self._assert_service_line(xml_invoice, "2.1", "E3_561_001", net=54.0, vat=12.96)

    def test_a1_invoice_retail(self):
        form = self._create_a1(request=self.other_request)
        self._sign_a1(form)
        move = self._invoice_a1(form, post=True)
        self.assertEqual(move.partner_id, self.other_customer)
        self.assertEqual(move.invoice_line_ids.tax_ids, self.firm_s24_services)
        self.assertEqual(move.l10n_gr_edi_inv_type, "11.2", "a service receipt to a private customer")
        self.assertEqual(self._mydata_pre_errors(move), {}, "no ΑΦΜ needed: a receipt names no counterpart")
        xml_invoice = self._mydata_xml(move).find(
            "inv:invoice", namespaces={"inv": "http://www.aade.gr/myDATA/invoice/v1.0"}
        )
        self.assertIsNone(
            xml_invoice.find("inv:counterpart", namespaces={"inv": "http://www.aade.gr/myDATA/invoice/v1.0"})
        )
        self._assert_service_line(xml_invoice, "11.2", "E3_561_003", net=54.0, vat=12.96)

    def test_production_order_invoice(self):
        form = self._create_a1()
        self._sign_a1(form)
        order = form.production_order_ids
        self.assertEqual(order.amount, 800.0, "the technician's estimate")
        self._agree_order(order, amount=950.0)
        order.with_user(self.user_accountant).action_create_invoices()
        move = order.invoice_ids
        move.action_post()
        self.assertEqual(move.company_id, self.vendor)
        self.assertEqual(move.partner_id, self.firm)
        self.assertEqual(move.invoice_line_ids.product_id, self.production_product)
        self.assertEqual(move.invoice_line_ids.tax_ids, self.vendor_s24_services)
        self.assertAlmostEqual(move.amount_untaxed, 950.0, "the amount the customer accepted")
        self.assertEqual(self._mydata_pre_errors(move), {})
        xml_invoice = self._mydata_xml(move).find(
            "inv:invoice", namespaces={"inv": "http://www.aade.gr/myDATA/invoice/v1.0"}
        )
        self.assertEqual(self._xml_text(xml_invoice, "inv:issuer/inv:vatNumber"), "094123454", "the vendor issues it")
        self.assertEqual(self._xml_text(xml_invoice, "inv:counterpart/inv:vatNumber"), "801456783", "to the firm")
        self._assert_service_line(xml_invoice, "2.1", "E3_561_001", net=950.0, vat=228.0)

    def test_pre_send_checks_are_l10n_gr_edi_s(self):
        """The check is not empty by construction: without credentials l10n_gr_edi says so."""
        form = self._create_a1()
        self._sign_a1(form)
        move = self._invoice_a1(form, post=True)
        self.firm_company.l10n_gr_edi_aade_key = False
        self.assertIn("l10n_gr_edi_company_no_cred", self._mydata_pre_errors(move))

    def test_service_tax_and_fiscal_positions(self):
        Tax = self.env["account.tax"]
        Fpos = self.env["account.fiscal.position"].with_company(self.firm_company)
        service = Tax._support_service_sale_tax(self.firm_company, self.product_remote)
        self.assertEqual(service, self.firm_s24_services, "the product's goods tax is skipped")
        self.assertEqual(Tax._support_service_sale_tax(self.firm_company), self.firm_s24_services, "the chart's")
        self.assertEqual(Tax._support_service_sale_tax(self.vendor, self.product_remote), self.vendor_s24_services)
        german = self.env["res.partner"].create(
            {
                "name": "Müller Software GmbH",
                "is_company": True,
                "vat": "DE123456788",
                "country_id": self.env.ref("base.de").id,
                "zip": "10115",
                "city": "Berlin",
            }
        )
        american = self.env["res.partner"].create(
            {"name": "Acme Inc.", "is_company": True, "country_id": self.env.ref("base.us").id}
        )
        cases = {
            self.customer: (
                self._gr_tax(self.firm_company, "fiscal_position_template_domestic"),
                self.firm_s24_services,
            ),
            german: (
                self._gr_tax(self.firm_company, "fiscal_position_template_EU"),
                self._gr_tax(self.firm_company, "l10n_gr_tax_s0_S_eu"),
            ),
            american: (
                self._gr_tax(self.firm_company, "fiscal_position_template_import_export"),
                self._gr_tax(self.firm_company, "l10n_gr_tax_s0_export"),
            ),
        }
        for partner, (fpos, tax) in cases.items():
            with self.subTest(partner=partner.name):
                self.assertEqual(Fpos._get_fiscal_position(partner), fpos)
                self.assertEqual(fpos.map_tax(service), tax)
        # An intra-EU customer's A1 invoice: the services' 0% EU, never the goods' one.
        self.customer.write(
            {"vat": "DE123456788", "country_id": self.env.ref("base.de").id, "zip": "10115", "city": "Berlin"}
        )
        form = self._create_a1()
        self._sign_a1(form)
        move = self._invoice_a1(form)
        self.assertEqual(move.fiscal_position_id, cases[german][0])
        self.assertEqual(move.invoice_line_ids.tax_ids, self._gr_tax(self.firm_company, "l10n_gr_tax_s0_S_eu"))

    def test_no_service_tax_is_a_clear_error(self):
        bare = self.env["res.company"].create({"name": "Εταιρεία Χωρίς Λογιστικό Σχέδιο"})
        only_goods = self.env["product.product"].create(
            {"name": "Υπηρεσία", "type": "service", "taxes_id": [(6, 0, self.firm_s24_goods.ids)]}
        )
        with self.assertRaisesRegex(UserError, "no sales VAT for services"):
            self.env["account.tax"]._support_service_sale_tax(bare, only_goods)


@tagged("post_install", "-at_install")
class TestProductionAcceptance(ProductionOrderMixin, SupportCommon):
    """The customer accepts the agreed amount before production; only that amount is invoiced."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls._ensure_chart(cls.company)
        cls.form = cls._create_a1()
        cls._sign_a1(cls.form)
        cls.order = cls.form.production_order_ids
        cls.order.action_submit()

    def test_invoiced_only_once_the_customer_accepted_the_agreed_amount(self):
        order = self.order
        as_customer = order.with_user(self.user_customer).sudo()  # as the portal route calls it
        with self.assertRaises(UserError):
            as_customer._accept_agreed_amount(self.customer_contact)  # nothing agreed yet
        with self.assertRaisesRegex(UserError, "agreed amount"):
            order.with_user(self.user_production).action_accept()
        order.with_user(self.user_production).agreed_amount = 950.0
        order.with_user(self.user_production).action_accept()
        with self.assertRaisesRegex(UserError, "not accepted the agreed amount"):
            order.with_user(self.user_accountant).action_create_invoices()
        with self.assertRaises(UserError):
            order.with_user(self.user_other_customer).sudo()._accept_agreed_amount(self.other_contact)
        with self.assertRaises(UserError):
            order.with_user(self.user_firm_manager).sudo()._accept_agreed_amount(self.firm_manager)
        self.assertFalse(order.amount_accepted)
        self.env.ref("certified_support.product_production_order_service").taxes_id |= self.tax_24
        acceptance = as_customer._accept_agreed_amount(self.customer_contact, ip_address="192.0.2.10")
        self.assertTrue(order.amount_accepted)
        self.assertEqual(order.amount_acceptance_id, acceptance)
        self.assertRecordValues(
            acceptance,
            [
                {
                    "kind": "production",
                    "production_order_id": order.id,
                    "request_id": self.request.id,
                    "accepted_by_id": self.customer_contact.id,
                    "user_id": self.user_customer.id,
                    "channel": "portal",
                    "ip_address": "192.0.2.10",
                    "amount_untaxed": 950.0,
                    "amount_tax": 228.0,
                    "amount_total": 1178.0,
                    "state": "valid",
                }
            ],
        )
        with self.assertRaises(UserError):
            as_customer._accept_agreed_amount(self.customer_contact)  # once
        # What the customer accepted stays as accepted.
        with self.assertRaises(UserError):
            order.with_user(self.user_production).agreed_amount = 1200.0
        with self.assertRaises(UserError):
            acceptance.sudo().write({"amount_untaxed": 1.0})
        with self.assertRaises(UserError):
            acceptance.sudo().unlink()
        order.with_user(self.user_accountant).action_create_invoices()
        self.assertAlmostEqual(order.invoice_ids.amount_untaxed, 950.0, "the accepted amount, not the estimate (800)")

    def test_acceptance_cannot_be_forged(self):
        other = self._create_a1(request=self.other_request)
        self._sign_a1(other)
        other_order = other.production_order_ids
        self.env.ref("certified_support.product_production_order_service").taxes_id |= self.tax_24
        other_acceptance = self._agree_order(other_order, customer_user=self.user_other_customer)
        self.order.agreed_amount = 950.0
        self.order.action_accept()
        with self.assertRaises(UserError):
            self.order.sudo().write({"amount_acceptance_id": other_acceptance.id})
        self.assertFalse(self.order.amount_accepted)
        with self.assertRaises(UserError):
            self.order.with_user(self.user_accountant).action_create_invoices()
        # A cancelled acceptance does not let the order be invoiced.
        other_acceptance.with_user(self.user_support)._cancel("Ο πελάτης ζήτησε νέα προσφορά.")
        self.assertFalse(other_order.amount_accepted)
        with self.assertRaises(UserError):
            other_order.with_user(self.user_accountant).action_create_invoices()


@tagged("post_install", "-at_install")
class TestMyDataMark(ProductionOrderMixin, SupportCommon):
    """The firm's own invoice is recorded with its myDATA MARK, once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls.form = cls._create_a1()
        cls._sign_a1(cls.form)

    def test_parse_mark(self):
        self.assertEqual(parse_mydata_mark(self.env, "400001234567890", "MARK"), "400001234567890")
        self.assertEqual(parse_mydata_mark(self.env, " 4000 0123 4567 890 ", "MARK"), "400001234567890")
        self.assertIsNone(parse_mydata_mark(self.env, "", "MARK", required=False))
        for bad in (
            "",
            "40000123456789",
            "4000012345678901",
            "40000123456789X",
            "４００００１２３４５６７８９０",
            "-40000123456789",
            400001234567890,
            None,
        ):
            with self.subTest(bad=bad), self.assertRaises(InputError):
                parse_mydata_mark(self.env, bad, "MARK")

    def test_mark_recorded_once_with_the_number(self):
        form = self.form.sudo()
        for bad in ("", "12345", "40000123456789X"):
            with self.subTest(bad=bad), self.assertRaises(UserError):
                form._record_external_invoice("ΤΠΥ 17", "2026-03-13", 66.96, bad)
        self.assertFalse(form.external_invoice_ref)
        with self.assertRaises(UserError):
            form.write({"external_invoice_mark": "400001234567890"})  # not without the number
        with self.assertRaises(UserError):
            form.write({"external_invoice_ref": "ΤΠΥ 17"})  # not without the MARK
        form._record_external_invoice("ΤΠΥ 17", "2026-03-13", 66.96, "4000 0123 4567 890")
        self.assertEqual(form.external_invoice_mark, "400001234567890")
        self.assertIn("400001234567890", form.message_ids[:1].body)
        with self.assertRaises(UserError):
            form._record_external_invoice("ΤΠΥ 18", "2026-03-14", 10.0, "400001234567891")
        with self.assertRaises(UserError):
            form.write({"external_invoice_mark": "400001234567891"})
        self.assertEqual(form.external_invoice_mark, "400001234567890")

    def test_mark_constraint(self):
        other = self._create_a1(request=self.other_request)
        self._sign_a1(other)
        with self.assertRaises(ValidationError):
            other.sudo().write({"external_invoice_ref": "ΤΠΥ 17", "external_invoice_mark": "4000012345678ΑΒ"})
        with self.assertRaises(CheckViolation), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE support_a1_form SET external_invoice_mark = '40000123456789A' WHERE id = %s", [other.id]
            )


@tagged("post_install", "-at_install")
class TestProductionAcceptancePortal(ProductionOrderMixin, SupportHttpCommon):
    """The customer accepts the agreed amount on the portal: their own order only, never
    with a token link, another customer's session or the firm's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls._ensure_chart(cls.company)
        cls.env.ref("certified_support.product_production_order_service").taxes_id |= cls.tax_24
        cls.form = cls._create_a1()
        cls._sign_a1(cls.form)
        cls.order = cls.form.production_order_ids
        cls.order.action_submit()
        cls.order.agreed_amount = 950.0
        cls.order.action_accept()
        cls.order._portal_ensure_token()

    def _accept(self, **data):
        values = {"csrf_token": Request.csrf_token(self), **data}
        return self.url_open(f"/my/production-orders/{self.order.id}/accept-amount", data=values)

    def test_customer_accepts_own_order(self):
        form = self.order.a1_form_id
        request_accepted = form.request_id.amount_accepted
        form_accepted = (form.accepted_amount_total, form.amount_difference)
        self.authenticate("cs_customer", "cs_customer")
        page = self.url_open(self.order.access_url)
        self.assertIn("o_production_accept_amount", page.text)
        response = self._accept()
        self.assertIn("message=amount_accepted", response.url)
        self.order.invalidate_recordset()
        self.assertTrue(self.order.amount_accepted)
        acceptance = self.order.amount_acceptance_id
        self.assertEqual(acceptance.user_id, self.user_customer)
        self.assertEqual(acceptance.accepted_by_id, self.customer_contact)
        self.assertEqual(acceptance.ip_address, "127.0.0.1")
        self.assertAlmostEqual(acceptance.amount_untaxed, 950.0)
        # The order is invoiced to the firm: what the customer accepted for the meeting, on
        # the request and on its signed A1 Form, stays what it was.
        form.invalidate_recordset()
        form.request_id.invalidate_recordset()
        self.assertEqual(form.request_id.amount_accepted, request_accepted)
        self.assertEqual((form.accepted_amount_total, form.amount_difference), form_accepted)
        page = self.url_open(self.order.access_url)
        self.assertNotIn("o_production_accept_amount", page.text, "accepted once")
        self.assertIn("o_production_amount_accepted", page.text)
        self._accept()
        self.assertEqual(self.env["support.acceptance"].search_count([("production_order_id", "=", self.order.id)]), 1)

    def test_others_cannot_accept(self):
        for login, data in (
            ("cs_other_customer", {}),
            ("cs_other_customer", {"access_token": self.order.access_token}),  # the link's token is no acceptance
            ("cs_other_customer", {"access_token": "wrong-token"}),
            ("cs_firm_manager", {}),  # the firm reads its orders, the customer accepts
            ("cs_technician", {}),
        ):
            with self.subTest(login=login, data=data):
                self.authenticate(login, login)
                self._accept(**data)
                self.order.invalidate_recordset()
                self.assertFalse(self.order.amount_accepted)
        self.authenticate("cs_other_customer", "cs_other_customer")
        page = self.url_open(f"{self.order.access_url}?access_token={self.order.access_token}")
        self.assertNotIn("o_production_accept_amount", page.text, "a token link shows the order, not the button")
        self.assertIn("o_production_amount_waiting", page.text)
        self.authenticate(None, None)
        page = self.url_open(f"{self.order.access_url}?access_token={self.order.access_token}")
        self.assertNotIn("o_production_accept_amount", page.text)
        self.assertIn("o_production_amount_waiting", page.text, "the link's holder is told to sign in")
        self.assertIn(f"/web/login?redirect={self.order.access_url}", page.text)
        response = self._accept(access_token=self.order.access_token)
        self.assertIn("/web/login", response.url)
        self.authenticate("cs_customer", "cs_customer")
        response = self.url_open(
            f"/my/production-orders/{self.order.id}/accept-amount", data={"accept": "1"}
        )  # no CSRF token
        self.assertEqual(response.status_code, 400)
        self.order.invalidate_recordset()
        self.assertFalse(self.order.amount_accepted)
        self.assertFalse(self.env["support.acceptance"].search([("production_order_id", "=", self.order.id)]))
