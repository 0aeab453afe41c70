from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SupportCommon
from .production_common import ProductionOrderMixin


@tagged("post_install", "-at_install")
class TestA1Invoicing(ProductionOrderMixin, SupportCommon):
    """The firm is a company of this database: its accountant invoices the customer here;
    the vendor's accountant invoices the firm for accepted production orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        # The firm sells the same services with its own VAT.
        cls._setup_firm_company()
        cls.A1 = cls.env["support.a1.form"]

    def _to_invoice(self, user):
        return (
            self.A1.with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
            .search([("invoice_status", "=", "to_invoice"), ("firm_company_id", "in", user.company_ids.ids)])
        )

    def test_firm_accountant_invoices_the_customer_in_the_firm_company(self):
        form = self._create_a1()
        draft_only = self._create_a1(request=self.other_request)
        self.assertEqual(form.firm_company_id, self.firm_company)
        self.assertEqual(form.invoice_status, "no", "not signed yet")
        self._sign_a1(form)
        self.assertEqual(form.invoice_status, "to_invoice")
        forms = self._to_invoice(self.user_firm_accountant)
        self.assertEqual(forms, form, "signed and not invoiced, of the accountant's company")
        self.assertFalse(
            self._to_invoice(self.user_accountant), "the vendor's accountant does not invoice for the firm"
        )
        self.assertNotIn(draft_only, forms)
        self.assertEqual(forms.line_ids.product_id, self.product_remote, "the firm's accountant reads the services")
        forms.action_create_invoices()
        move = form.invoice_ids
        self.assertEqual(len(move), 1)
        self.assertEqual(move.company_id, self.firm_company)
        self.assertEqual(move.partner_id, self.customer)
        self.assertEqual(move.move_type, "out_invoice")
        self.assertEqual(move.invoice_origin, form.name)
        self.assertEqual(move.a1_form_id, form)
        self.assertEqual(move.invoice_line_ids.product_id, self.product_remote)
        self.assertEqual(move.invoice_line_ids.tax_ids, self.firm_tax, "mapped to the firm company's VAT")
        self.assertAlmostEqual(move.amount_untaxed, form.amount_untaxed)
        self.assertAlmostEqual(move.amount_untaxed, 1.5 * 36)
        self.assertAlmostEqual(move.amount_total, 1.5 * 36 * 1.24)
        self.assertEqual(form.invoice_status, "invoiced")
        self.assertFalse(self._to_invoice(self.user_firm_accountant))

    def test_batch_one_invoice_per_form(self):
        forms = self._create_a1() | self._create_a1(request=self.other_request)
        for form in forms:
            self._sign_a1(form)
        forms.with_user(self.user_firm_accountant).with_context(
            allowed_company_ids=self.firm_company.ids
        ).action_create_invoices()
        self.assertEqual(len(forms.invoice_ids), 2)
        for form in forms:
            self.assertEqual(form.invoice_ids.partner_id, form.partner_id)

    def test_vendor_accountant_cannot_invoice_for_the_firm(self):
        form = self._create_a1()
        self._sign_a1(form)
        with self.assertRaises(AccessError):
            form.with_user(self.user_accountant).action_create_invoices()
        with self.assertRaises(AccessError):
            form.with_user(self.user_customer).action_create_invoices()
        self.assertFalse(form.invoice_ids)

    def test_invoiced_once_and_cancel_makes_it_invoiceable_again(self):
        form = self._create_a1()
        self._sign_a1(form)
        as_accountant = form.with_user(self.user_firm_accountant).with_context(
            allowed_company_ids=self.firm_company.ids
        )
        as_accountant.action_create_invoices()
        with self.assertRaises(UserError):
            as_accountant.action_create_invoices()
        self.assertEqual(len(form.invoice_ids), 1, "a second attempt creates nothing")
        # Two transactions at once: the second one passed its check before the first committed.
        # The unique partial index refuses its invoice at the database level.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["account.move"].create(form.sudo()._prepare_firm_invoice_vals())
            self.env.flush_all()
        self.env.invalidate_all()
        form.invoice_ids.button_cancel()
        self.assertEqual(form.invoice_status, "to_invoice", "cancelling the invoice makes it invoiceable again")
        as_accountant.action_create_invoices()
        self.assertEqual(len(form.invoice_ids.filtered(lambda m: m.state != "cancel")), 1)
        self.assertEqual(form.invoice_status, "invoiced")

    def test_external_invoice_refused_when_the_firm_invoices_here(self):
        form = self._create_a1()
        self._sign_a1(form)
        with self.assertRaises(UserError):
            form.sudo()._record_external_invoice("ΤΠΥ 17", "2026-03-13", 66.96, "400001234567890")

    # ------------------------------------------------------------------
    # Production orders: the vendor invoices the firm
    # ------------------------------------------------------------------

    def test_vendor_invoices_the_firm_for_accepted_orders_once(self):
        form = self._create_a1()
        self._sign_a1(form)
        order = form.production_order_ids
        with self.assertRaises(UserError):
            order.with_user(self.user_accountant).action_create_invoices()  # still a draft
        order.action_submit()
        order.agreed_amount = 950.0
        order.action_accept()
        with self.assertRaisesRegex(UserError, "not accepted the agreed amount"):
            order.with_user(self.user_accountant).action_create_invoices()
        self._agree_order(order)
        order.with_user(self.user_accountant).action_create_invoices()
        move = order.invoice_ids
        self.assertEqual(len(move), 1)
        self.assertEqual(order.state, "invoiced")
        self.assertEqual(move.company_id, self.company, "the vendor invoices")
        self.assertEqual(move.partner_id, self.firm, "the technician's firm is invoiced")
        self.assertEqual(move.invoice_origin, order.name)
        self.assertAlmostEqual(move.amount_untaxed, 950.0, "the agreed amount the customer accepted, not the estimate")
        self.assertEqual(move.invoice_line_ids.tax_ids, self.tax_24, "the services VAT, one per line for myDATA")
        self.assertAlmostEqual(move.amount_total, 950.0 * 1.24)
        with self.assertRaises(UserError):
            order.with_user(self.user_accountant).action_create_invoices()
        self.assertEqual(len(order.invoice_ids), 1)
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["account.move"].create(order._prepare_invoice_vals())
            self.env.flush_all()
        self.env.invalidate_all()
        move.button_cancel()
        self.assertEqual(order.state, "accepted", "invoiceable again")
        order.with_user(self.user_accountant).action_create_invoices()
        self.assertEqual(order.state, "invoiced")
        self.assertEqual(len(order.invoice_ids.filtered(lambda m: m.state != "cancel")), 1)


@tagged("post_install", "-at_install")
class TestA1ExternalInvoice(ProductionOrderMixin, SupportCommon):
    """The firm is not a company here: it records the invoice it issued in its own system."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()

    def test_external_invoice_marks_the_form_invoiced_once(self):
        form = self._create_a1()
        with self.assertRaises(UserError):
            form.sudo()._record_external_invoice("ΤΠΥ 17", "2026-03-13", 66.96, "400001234567890")  # not signed
        self._sign_a1(form)
        self.assertFalse(form.firm_company_id)
        self.assertEqual(form.invoice_status, "to_invoice")
        with self.assertRaises(UserError):
            form.action_create_invoices()  # nothing to invoice here: no firm company
        form.sudo()._record_external_invoice("ΤΠΥ 17", "2026-03-13", 66.96, "400001234567890")
        self.assertEqual(form.external_invoice_ref, "ΤΠΥ 17")
        self.assertEqual(str(form.external_invoice_date), "2026-03-13")
        self.assertAlmostEqual(form.external_invoice_amount, 66.96)
        self.assertEqual(form.invoice_status, "invoiced")
        with self.assertRaises(UserError):
            form.sudo()._record_external_invoice("ΤΠΥ 18", "2026-03-14", 10.0, "400001234567891")
        self.assertEqual(form.external_invoice_ref, "ΤΠΥ 17")

    def test_firm_becoming_a_company_invoices_here(self):
        form = self._create_a1()
        self._sign_a1(form)
        self.assertFalse(form.firm_company_id)
        firm_company = self.env["res.company"].create({"name": self.firm.name, "partner_id": self.firm.id})
        self.assertEqual(form.firm_company_id, firm_company)
