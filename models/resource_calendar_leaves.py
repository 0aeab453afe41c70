from datetime import datetime, time, timedelta

import holidays
import pytz

from odoo import api, fields, models

GREEK_TZ = "Europe/Athens"


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model
    def _support_generate_greek_holidays(self, years=None):
        """Greek public holidays as global leaves (no calendar, no resource) of every
        company, for the current and next years unless ``years`` is given. Fixed and
        Orthodox-Easter holidays come from the ``holidays`` package; days already covered
        by a global leave are skipped, so running it again creates nothing."""
        if years is None:
            this_year = fields.Date.context_today(self).year
            years = [this_year, this_year + 1]
        tz = pytz.timezone(GREEK_TZ)
        greek = holidays.Greece(years=list(years))
        Leaves = self.sudo()  # public holidays are company-wide data
        created = Leaves
        for company in self.env["res.company"].sudo().search([]):  # every company's calendar
            existing = Leaves.search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "=", False),
                    ("company_id", "in", [company.id, False]),
                    ("date_from", "<", datetime(max(years) + 1, 1, 2)),
                    ("date_to", ">", datetime(min(years) - 1, 12, 31)),
                ]
            )
            vals_list = []
            covered = set()
            for leave in existing:
                day = pytz.utc.localize(leave.date_from).astimezone(tz).date()
                last = pytz.utc.localize(leave.date_to).astimezone(tz).date()
                while day <= last:
                    covered.add(day)
                    day += timedelta(days=1)
            for day, name in sorted(greek.items()):
                if day in covered:
                    continue
                start = tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc)
                stop = tz.localize(datetime.combine(day, time(23, 59, 59))).astimezone(pytz.utc)
                vals_list.append(
                    {
                        "name": str(name),
                        "calendar_id": False,
                        "resource_id": False,
                        "time_type": "leave",
                        "date_from": start.replace(tzinfo=None),
                        "date_to": stop.replace(tzinfo=None),
                    }
                )
            created |= Leaves.with_company(company).create(vals_list)
        return created

    @api.model
    def _cron_support_greek_holidays(self):
        self._support_generate_greek_holidays()
