from odoo import Command
from odoo.tests import tagged

from .common import SupportHttpCommon
from .export_common import XlsxExportMixin
from .rating_common import SCAN

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@tagged("post_install", "-at_install")
class TestReportingPortal(XlsxExportMixin, SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_export_data()

    def test_firm_manager_downloads_the_firm_rows(self):
        page = self._open_page("cs_firm_manager", "/my/partner/scorecard")
        self.assertIn("/my/partner/export/a1_register.xlsx", page.text)
        response = self.url_open("/my/partner/export/a1_register.xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], XLSX)
        rows = self._rows(self._open(response.content).active)
        self.assertEqual(
            [row[0] for row in rows[:-1]], (self.signed_form | self.filed_form).sorted("id").mapped("name")
        )
        response = self.url_open("/my/partner/export/requests.xlsx")
        numbers = {row[0] for row in self._rows(self._open(response.content).active)}
        self.assertEqual(numbers, {self.request.name, self.other_request.name})
        response = self.url_open("/my/partner/export/kpi.xlsx")
        self.assertNotIn(self.second_firm.name, self._open(response.content).sheetnames)

    def test_a1_register_with_a_draft_invoice(self):
        """A draft invoice has no number yet: the register shows none (it answered 500)."""
        if not self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "sale")], limit=1
        ):
            self.env["account.chart.template"].try_loading("generic_coa", company=self.company, install_demo=False)
        draft = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "a1_form_id": self.signed_form.id,
                "invoice_line_ids": [Command.create({"name": "Υποστήριξη", "quantity": 1, "price_unit": 54})],
            }
        )
        # The firm's own invoice is recorded on a signed form (the guard of the signed A1 Form).
        self.filed_form._sign("Γιώργος Παπαδόπουλος", "scan", signed_on="2026-03-13 08:00:00", pdf=SCAN)
        self.filed_form.sudo()._record_external_invoice("ΤΠΥ 17", "2026-03-13", 54.0, "400001234567890")
        self.assertFalse(draft.name)
        response = self._open_page("cs_firm_manager", "/my/partner/export/a1_register.xlsx")
        numbers = {row[0]: row[16] for row in self._rows(self._open(response.content).active)[:-1]}
        self.assertEqual(
            numbers, {self.signed_form.name: None, self.filed_form.name: "ΤΠΥ 17 (myDATA MARK 400001234567890)"}
        )
        draft.action_post()
        response = self.url_open("/my/partner/export/a1_register.xlsx")
        numbers = {row[0]: row[16] for row in self._rows(self._open(response.content).active)[:-1]}
        self.assertEqual(numbers[self.signed_form.name], draft.name, "its number once posted")

    def test_others_get_404(self):
        for login in ("cs_customer", "cs_technician"):
            self.authenticate(login, login)
            for kind in ("a1_register", "requests", "kpi"):
                response = self.url_open(f"/my/partner/export/{kind}.xlsx")
                self.assertEqual(response.status_code, 404, (login, kind))
        self.authenticate("cs_firm_manager", "cs_firm_manager")
        self.assertEqual(self.url_open("/my/partner/export/other.xlsx").status_code, 404)

    def test_backend_download_only_own_wizard(self):
        wizard = (
            self.env["support.xlsx.export"]
            .with_user(self.user_accountant)
            .create({"report_kind": "a1_register", "firm_id": self.second_firm.id})
        )
        response = self._open_page("cs_accountant", f"/certified_support/xlsx_export/{wizard.id}")
        rows = self._rows(self._open(response.content).active)
        self.assertEqual([row[0] for row in rows[:-1]], [self.second_form.name])
        self.authenticate("cs_support", "cs_support")
        self.assertEqual(self.url_open(f"/certified_support/xlsx_export/{wizard.id}").status_code, 404)
        self.authenticate("cs_customer", "cs_customer")
        self.assertEqual(self.url_open(f"/certified_support/xlsx_export/{wizard.id}").status_code, 404)
        self.authenticate("cs_accountant", "cs_accountant")
        self.assertEqual(self.url_open(f"/certified_support/xlsx_export/{wizard.id + 1000}").status_code, 404)

    def test_reporting_views_tour(self):
        self.start_tour(
            "/odoo/action-certified_support.support_request_action_reporting",
            "support_reporting_views_tour",
            login="cs_manager",
        )
