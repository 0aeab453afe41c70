from freezegun import freeze_time

from odoo.tests import tagged

from .common import SupportCommon

CODES = (
    "support.request",
    "support.a1.form",
    "support.production.order",
    "support.contract",
    "support.cooperation.contract",
)


@tagged("post_install", "-at_install")
class TestDocumentNumbers(SupportCommon):
    """RV, A1, ΠΠΥ, ESTES and COOP numbers are per company and restart every year, on the
    day of the company's calendar (Athens), as Odoo's date ranges do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Europe/Athens"
        cls.firm_company = cls.env["res.company"].create({"name": "Δίκτυο Πληροφορική Ε.Π.Ε."})
        cls.firm_company.resource_calendar_id.tz = "Europe/Athens"
        cls.Sequence = cls.env["ir.sequence"]

    def test_every_company_has_its_yearly_sequences(self):
        for company in (self.company, self.firm_company):
            sequences = self.Sequence.search([("code", "in", CODES), ("company_id", "=", company.id)])
            self.assertEqual(sorted(sequences.mapped("code")), sorted(CODES), company.name)
            self.assertTrue(all(sequences.mapped("use_date_range")))
        self.assertFalse(
            self.Sequence.search([("code", "in", CODES), ("company_id", "=", False)]),
            "no number shared between companies",
        )
        self.assertFalse(self.Sequence._support_create_sequences(), "created once")

    def test_numbers_restart_on_new_year_in_athens(self):
        with freeze_time("2026-12-31 21:00:00"):  # 23:00 in Athens
            last_2026 = self.Sequence._support_next("support.request", self.company)
        with freeze_time("2026-12-31 22:30:00"):  # 00:30 on 1 January 2027 in Athens
            first_2027 = self.Sequence._support_next("support.request", self.company)
        with freeze_time("2027-01-04 08:00:00"):
            second_2027 = self.Sequence._support_next("support.request", self.company)
            firm_first = self.Sequence._support_next("support.request", self.firm_company)
            a1 = self.Sequence._support_next("support.a1.form", self.company)
            ppy = self.Sequence._support_next("support.production.order", self.company)
        self.assertTrue(last_2026.startswith("RV/2026/"), last_2026)
        self.assertEqual(first_2027, "RV/2027/00001")
        self.assertEqual(second_2027, "RV/2027/00002")
        self.assertEqual(firm_first, "RV/2027/00001", "each company counts its own")
        self.assertEqual(a1, "A1/2027/00001")
        self.assertEqual(ppy, "ΠΠΥ/2027/00001")
        with freeze_time("2026-12-30 10:00:00"):
            self.assertEqual(
                self.Sequence._support_next("support.request", self.company),
                f"RV/2026/{int(last_2026.rsplit('/', 1)[1]) + 1:05d}",
                "2026 goes on where it stopped",
            )

    def test_documents_take_their_company_numbers(self):
        with freeze_time("2027-02-01 09:00:00"):
            contract = self._create_contract(start="2027-02-01", end="2028-01-31")
            firm_contract = self.env["support.contract"].create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.firm_company.id,
                    "product_id": self.product_estes.id,
                    "date_start": "2027-02-01",
                    "date_end": "2028-01-31",
                }
            )
        self.assertEqual(contract.name, "ESTES/2027/00001")
        self.assertEqual(firm_contract.name, "ESTES/2027/00001")
