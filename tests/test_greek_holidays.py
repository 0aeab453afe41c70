from collections import Counter

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestGreekHolidays(SupportCommon):
    """Greek public holidays: one leave per holiday and working calendar, in every company,
    named in Greek, and a cron that can run any number of times."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Leaves = cls.env["resource.calendar.leaves"]
        cls.company.resource_calendar_id.tz = "Europe/Athens"
        with freeze_time("2026-06-01"):
            cls.firm_company = cls.env["res.company"].create({"name": "Δίκτυο Πληροφορική Ε.Π.Ε."})
        cls.firm_company.resource_calendar_id.tz = "Europe/Athens"

    def _holidays(self, calendar, year):
        leaves = self.Leaves.search(
            [
                ("calendar_id", "=", calendar.id),
                ("resource_id", "=", False),
                ("date_to", ">=", f"{year}-01-01"),
                ("date_from", "<", f"{year + 1}-01-01"),
            ]
        )
        return leaves

    def _run_holidays_cron(self):
        with freeze_time("2026-06-01"):
            self._run_cron("certified_support.ir_cron_support_greek_holidays")

    def test_one_leave_per_holiday_and_calendar_of_every_company(self):
        self._run_holidays_cron()
        self._run_holidays_cron()
        expected = self.Leaves._support_greek_holidays([2027])
        for company in (self.company, self.firm_company):
            calendar = company.resource_calendar_id
            leaves = self._holidays(calendar, 2027)
            days = Counter(leave.date_to.date() for leave in leaves)  # 23:59 Athens = the day in UTC
            self.assertEqual(set(days), set(expected), company.name)
            self.assertEqual(max(days.values()), 1, f"{company.name}: a holiday stored twice")
            self.assertEqual(leaves.company_id, company)
        # Odoo counts them: Christmas is not a working day of the firm's calendar.
        christmas = self._holidays(self.firm_company.resource_calendar_id, 2027).filtered(
            lambda leave: leave.date_to.strftime("%m-%d") == "12-25"
        )
        self.assertEqual(christmas.name, "Χριστούγεννα", "named in Greek")
        self.assertEqual(christmas.date_from.strftime("%Y-%m-%d %H:%M"), "2027-12-24 22:00", "midnight in Athens")

    def test_a_new_company_gets_its_holidays_at_once_and_the_cron_adds_none(self):
        calendar = self.firm_company.resource_calendar_id
        self.assertTrue(self._holidays(calendar, 2027), "created with the company, before any cron run")
        count = self.Leaves.search_count([("resource_id", "=", False)])
        self._run_holidays_cron()
        self.assertEqual(self.Leaves.search_count([("resource_id", "=", False)]), count, "idempotent")

    def test_a_day_already_off_for_the_company_is_not_added(self):
        """A public holiday entered by hand for all calendars of the company (no calendar) counts."""
        calendar = self.firm_company.resource_calendar_id
        self._holidays(calendar, 2028).unlink()
        manual = self.Leaves.with_company(self.firm_company).create(
            {
                "name": "Αργία",
                "calendar_id": False,
                "resource_id": False,
                "date_from": "2028-08-14 21:00:00",
                "date_to": "2028-08-15 20:59:59",
            }
        )
        manual.flush_recordset()  # its company is computed in the firm company's environment
        self.assertEqual(manual.company_id, self.firm_company)
        created = self.Leaves._support_generate_greek_holidays(years=[2028], calendars=calendar)
        self.assertTrue(created)
        self.assertNotIn("08-15", {leave.date_to.strftime("%m-%d") for leave in created})
