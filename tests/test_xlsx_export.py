import io
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.certified_support.models import support_xlsx_engine

from .common import SupportCommon
from .export_common import XlsxExportMixin


@tagged("post_install", "-at_install")
class TestXlsxExport(XlsxExportMixin, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_export_data()

    def _a1_rows(self, user, options=None):
        output = io.BytesIO()
        self.env["support.xlsx.export.engine"].with_user(user)._support_write_xlsx("a1_register", options or {}, output)
        book = self._open(output.getvalue(), data_only=True)
        return book, self._rows(book.active)

    def test_a1_register_rows_and_totals(self):
        book, rows = self._a1_rows(self.user_accountant)
        sheet = book.active
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet.auto_filter.ref)
        *forms, total = rows
        self.assertEqual([row[0] for row in forms], self.forms.sorted("id").mapped("name"))
        signed = next(row for row in forms if row[0] == self.signed_form.name)
        self.assertEqual(signed[4], self.customer.name)
        self.assertEqual(signed[5], "EL094014201")
        self.assertEqual(signed[6], self.technician.name)
        self.assertEqual(signed[7], self.firm.name)
        self.assertAlmostEqual(signed[8], 1.75)
        self.assertAlmostEqual(signed[11], self.signed_form.amount_total)
        self.assertEqual(signed[13], "Signed scan")
        self.assertEqual(signed[17], "To invoice")
        self.assertEqual(total[0], "Total")
        self.assertAlmostEqual(total[8], sum(self.forms.mapped("duration")))
        self.assertAlmostEqual(total[11], sum(self.forms.mapped("amount_total")), places=2)
        self.assertGreater(total[11], 0)
        formulas = self._open(io.BytesIO(self._raw("a1_register")).getvalue())
        self.assertTrue(str(formulas.active.cell(len(rows) + 1, 12).value).startswith("=SUBTOTAL(109,L2:L"))

    def _raw(self, kind, user=None, options=None):
        output = io.BytesIO()
        self.env["support.xlsx.export.engine"].with_user(user or self.user_accountant)._support_write_xlsx(
            kind, options or {}, output
        )
        return output.getvalue()

    def test_a1_register_filters(self):
        _book, rows = self._a1_rows(self.user_accountant, {"firm_id": self.second_firm.id})
        self.assertEqual([row[0] for row in rows[:-1]], [self.second_form.name])
        _book, rows = self._a1_rows(self.user_accountant, {"a1_state": "signed"})
        self.assertEqual([row[0] for row in rows[:-1]], [self.signed_form.name])
        _book, rows = self._a1_rows(self.user_accountant, {"date_from": "2026-04-01"})
        self.assertEqual(rows[:-1], [])

    def test_greek_headers_and_formats(self):
        self.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        self.user_accountant.lang = "el_GR"
        # Headers are the fields' labels in the user's language (or translated strings).
        headers = [cell.value for cell in self._open(self._raw("requests")).active[1]]
        self.assertEqual(headers[2], "Πελάτης")
        self.assertEqual(headers[6], "Τεχνικός")
        book = self._open(self._raw("a1_register"))
        sheet = book.active
        headers = [cell.value for cell in sheet[1]]
        greek = self.env(user=self.user_accountant, context={"lang": "el_GR"})
        self.assertIn(greek._("Customer VAT"), headers)
        self.assertEqual(sheet.title, greek._("A1 register"))
        date_format = self.env["res.lang"]._get_data(code="el_GR").date_format
        self.assertEqual(date_format, "%d/%m/%Y")
        self.assertEqual(sheet["C2"].number_format, "dd/mm/yyyy hh:mm")
        self.assertEqual(sheet["L2"].number_format, "#,##0.00")
        # 08:00 UTC is 10:00 in Athens (the user's timezone).
        self.user_accountant.tz = "Europe/Athens"
        sheet = self._open(self._raw("a1_register")).active
        self.assertEqual(sheet["C2"].value.hour, 10)

    def test_export_reads_in_batches(self):
        Form = type(self.env["support.a1.form"])
        fetch = Form.fetch
        batches = []

        def spy(records, field_names):
            batches.append(len(records))
            return fetch(records, field_names)

        with (
            patch.object(support_xlsx_engine, "BATCH_SIZE", 2),
            patch.object(Form, "fetch", autospec=True, side_effect=spy),
        ):
            _book, rows = self._a1_rows(self.user_accountant)
        self.assertEqual(len(rows) - 1, 3)
        self.assertEqual(batches, [2, 1])

    def test_requests_with_acceptances(self):
        book = self._export(self.user_support, "requests")
        rows = self._rows(book.active)
        by_number = {row[0]: row for row in rows}
        row = by_number[self.request.name]
        acceptance = self.request.acceptance_ids
        self.assertEqual(len(acceptance), 1)
        self.assertEqual(row[2], self.customer.name)
        self.assertEqual(row[6], self.technician.name)
        self.assertEqual(row[11], self.customer_contact.name)
        self.assertAlmostEqual(row[13], acceptance.amount_total)
        self.assertEqual(row[15], "Phone")
        self.assertEqual(row[16], "Valid")
        self.assertEqual(set(by_number), {self.request.name, self.other_request.name, self.second_request.name})

    def test_kpi_one_sheet_per_firm_and_summary(self):
        self.env.cr.execute(
            "UPDATE support_request SET create_date = '2026-03-10 00:00:00' WHERE id = %s", [self.request.id]
        )
        self.env.invalidate_all()
        book = self._export(self.user_manager, "kpi")
        self.assertEqual(book.sheetnames[0], "Summary")
        self.assertIn(self.firm.name, book.sheetnames)
        self.assertIn(self.second_firm.name, book.sheetnames)
        summary = {row[0]: row for row in self._rows(book["Summary"])}
        self.assertEqual(set(summary), {self.firm.name, self.second_firm.name})
        firm_rows = {row[0]: row for row in self._rows(book[self.firm.name])}
        self.assertEqual(set(firm_rows), {self.technician.name, self.other_technician.name})
        technician = firm_rows[self.technician.name]
        self.assertAlmostEqual(technician[2], self.signed_form.duration)  # hours
        self.assertAlmostEqual(technician[3], self.signed_form.amount_total)
        self.assertAlmostEqual(technician[4], 2 + 8 / 24)  # created 10/3 00:00, meeting 12/3 08:00
        self.assertEqual(technician[7], "Yes")
        self.assertAlmostEqual(summary[self.firm.name][2], self.signed_form.duration + self.filed_form.duration)

    def test_kpi_firms_of_the_same_name(self):
        """Sheet names are unique whatever their case: two firms of the same name (or of the
        same first 31 characters) each get their sheet."""
        self.second_firm.name = self.firm.name.upper()
        book = self._export(self.user_manager, "kpi")
        self.assertEqual(len(book.sheetnames), 3, "the summary and one sheet per firm")
        self.assertEqual(sum(name.endswith(" (2)") for name in book.sheetnames), 1)
        rows = [{row[0] for row in self._rows(book[name])} for name in book.sheetnames[1:]]
        self.assertCountEqual(rows, [{self.technician.name, self.other_technician.name}, {self.second_technician.name}])

    def test_firm_manager_gets_only_the_firm_rows(self):
        book = self._export(self.user_firm_manager, "a1_register")
        self.assertEqual(
            [row[0] for row in self._rows(book.active)[:-1]],
            (self.signed_form | self.filed_form).sorted("id").mapped("name"),
        )
        book = self._export(self.user_firm_manager, "requests")
        self.assertNotIn(self.second_request.name, [row[0] for row in self._rows(book.active)])
        book = self._export(self.user_firm_manager, "kpi")
        self.assertNotIn(self.second_firm.name, book.sheetnames)

    def test_customer_gets_nothing(self):
        with self.assertRaises(AccessError):
            self.env["support.xlsx.export"].with_user(self.user_customer).create({"report_kind": "a1_register"})
        engine = self.env["support.xlsx.export.engine"].with_user(self.user_customer)
        for kind in ("a1_register", "requests", "kpi"):
            with self.assertRaises(AccessError):
                engine._support_write_xlsx(kind, {}, io.BytesIO())
        with self.assertRaises(AccessError):
            self.env["support.xlsx.export.engine"].with_user(self.user_technician)._support_write_xlsx(
                "a1_register", {}, io.BytesIO()
            )

    def test_wizard_download_action(self):
        wizard = (
            self.env["support.xlsx.export"]
            .with_user(self.user_accountant)
            .create({"report_kind": "requests", "firm_id": self.firm.id})
        )
        action = wizard.action_download()
        self.assertEqual(action["url"], f"/certified_support/xlsx_export/{wizard.id}")
        self.assertEqual(wizard._get_options()["firm_id"], self.firm.id)


@tagged("post_install", "-at_install")
class TestReportingFields(XlsxExportMixin, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_export_data()

    def test_state_date_follows_the_state(self):
        with freeze_time("2026-03-10 09:00:00"):
            request = self.env["support.request"].create(
                {"partner_id": self.customer.id, "contact_id": self.customer_contact.id, "fault_id": self.fault.id}
            )
            self.assertEqual(request.state_date, datetime(2026, 3, 10, 9, 0))
        with freeze_time("2026-03-11 09:00:00"):
            request._register_request(self.customer_contact)
            self.assertEqual(request.state, "to_schedule")
            self.assertEqual(request.state_date, datetime(2026, 3, 11, 9, 0))
        with freeze_time("2026-03-18 10:00:00"):
            request.write({"description": "Νέα περιγραφή"})
            self.assertEqual(request.state_date, datetime(2026, 3, 11, 9, 0))
            request.invalidate_recordset(["support_days_in_state"])
            self.assertEqual(request.support_days_in_state, 7)

    def test_overdue_scheduling_is_red(self):
        with freeze_time("2026-03-10"):
            request = self.env["support.request"].create(
                {"partner_id": self.customer.id, "contact_id": self.customer_contact.id, "fault_id": self.fault.id}
            )
            request._register_request(self.customer_contact)
            self.assertEqual(request.state, "to_schedule")
            request.flush_recordset()
            self.assertEqual(request.support_kanban_color, 0)
        # The scheduling activity is due the day after the request is registered (the delay
        # of its type), then overdue.
        with freeze_time("2026-03-11"):
            self.env.invalidate_all()
            self.assertEqual(request.support_kanban_color, 0)
        with freeze_time("2026-03-12"):
            self.env.invalidate_all()
            self.assertEqual(request.support_kanban_color, 1)
        # Without the activity, more than 2 days waiting is overdue too.
        request.activity_ids.unlink()
        with freeze_time("2026-03-12 12:00:00"):
            self.env.invalidate_all()
            self.assertEqual(request.support_kanban_color, 1)
        with freeze_time("2026-03-11 12:00:00"):
            self.env.invalidate_all()
            self.assertEqual(request.support_kanban_color, 0)
        self.assertEqual(self.request.support_kanban_color, 0)  # scheduled

    def test_rating_satisfaction_by_firm(self):
        Rating = self.env["rating.rating"].sudo()
        model = self.env["ir.model"]._get_id("support.request")
        ratings = Rating.create(
            [
                {
                    "res_model_id": model,
                    "res_id": self.request.id,
                    "rated_partner_id": self.technician.id,
                    "partner_id": self.customer_contact.id,
                    "rating": score,
                    "consumed": True,
                }
                for score in (5, 1)
            ]
        )
        self.assertEqual(ratings.support_firm_id, self.firm)
        self.assertEqual(ratings.mapped("support_satisfaction"), [100.0, 0.0])
        [(firm, satisfaction)] = Rating._read_group(
            [("id", "in", ratings.ids)], ["support_firm_id"], ["support_satisfaction:avg"]
        )
        self.assertEqual((firm, satisfaction), (self.firm, 50.0))
