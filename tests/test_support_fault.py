from psycopg2 import IntegrityError

from odoo import Command
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportFault(SupportCommon):
    def _new_fault(self, code="F01", **values):
        """The database fault of the catalogue, on site or remote: 1.5 remote hours and 2 hours of database check."""
        lines = [(self.product_remote, 1.5), (self.product_db, 2.0)]
        return self._create_fault(code, "Connection to the database server fails", lines, location="both", **values)

    def test_totals_with_vat(self):
        fault = self._new_fault()
        remote, db = fault.line_ids
        self.assertEqual(remote.price_unit, 36.0, "unit price from the service")
        self.assertEqual(remote.tax_ids, self.tax_24, "VAT from the service")
        self.assertAlmostEqual(remote.price_subtotal, 54.0)
        self.assertAlmostEqual(db.price_subtotal, 120.0)
        self.assertAlmostEqual(fault.duration, 3.5)
        self.assertAlmostEqual(fault.amount_untaxed, 174.0)
        self.assertAlmostEqual(fault.amount_tax, 41.76)
        self.assertAlmostEqual(fault.amount_total, 215.76)
        self.assertEqual(fault.currency_id, self.company.currency_id)

    def test_price_overridable_per_line(self):
        fault = self._new_fault()
        fault.line_ids[1].price_unit = 50.0
        self.assertAlmostEqual(fault.amount_untaxed, 154.0)
        self.assertAlmostEqual(fault.amount_total, 190.96)
        self.assertEqual(self.product_db.lst_price, 60.0, "the product's own price is untouched")

    def test_form_fills_the_line_from_the_product(self):
        with Form(self.env["support.fault"].with_user(self.user_manager)) as fault_form:
            fault_form.code = "F77"
            fault_form.name = "myDATA transmission errors"
            with fault_form.line_ids.new() as line:
                line.product_id = self.product_remote
                line.quantity = 2
                self.assertEqual(line.price_unit, 36.0)
                self.assertEqual(line.name, "Remote support hour")
        fault = fault_form.save()
        self.assertAlmostEqual(fault.amount_total, 89.28)

    @mute_logger("odoo.sql_db")
    def test_negative_price_or_hours_refused(self):
        for values in ({"price_unit": -1.0}, {"quantity": 0.0}):
            with self.subTest(values=values), self.assertRaises(IntegrityError), self.cr.savepoint():
                self._new_fault(line_ids=[Command.create({"product_id": self.product_remote.id, **values})])

    @mute_logger("odoo.sql_db")
    def test_code_unique_per_company(self):
        self._new_fault("F01")
        with self.assertRaises(IntegrityError) as error, self.cr.savepoint():
            self._new_fault("F01")
        self.assertEqual(error.exception.diag.constraint_name, "support_fault_code_company_uniq")
        self._new_fault("F02")

    def test_search_by_code_or_name(self):
        fault = self._new_fault("F42")
        Fault = self.env["support.fault"]
        self.assertIn(fault, Fault.search([("display_name", "ilike", "F42")]))
        self.assertIn(fault, Fault.search([("display_name", "ilike", "database server")]))
        self.assertEqual(fault.display_name, "[F42] Connection to the database server fails")

    def test_archived_faults_leave_the_catalogue(self):
        fault = self._new_fault()
        fault.action_archive()
        self.assertNotIn(fault, self.env["support.fault"].with_user(self.user_customer).search([]))
