from datetime import datetime, time, timedelta

import holidays
import pytz

from odoo import api, fields, models

GREEK_TZ = "Europe/Athens"


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model
    def _support_greek_holidays(self, years):
        """{date: Greek name} of the Greek public holidays of ``years``."""
        return dict(holidays.Greece(years=list(years), language="el"))

    @api.model
    def _support_generate_greek_holidays(self, years=None, calendars=None):
        """Greek public holidays as global leaves (no resource) of each working calendar of
        every company — what Odoo shows as the calendar's "Global Time Off" —, one leave per
        holiday and calendar, named in Greek, for the current and next years unless ``years``
        is given. A day already covered for a calendar (by a leave of that calendar, or by a
        leave of its company for all calendars) is skipped, so running it again creates
        nothing. Returns the leaves created."""
        if years is None:
            this_year = fields.Date.context_today(self).year
            years = [this_year, this_year + 1]
        greek = self._support_greek_holidays(years)
        Leaves = self.sudo()  # public holidays are company-wide data, kept by a system cron
        if calendars is None:
            # sudo: the working calendars of every company, for the system cron
            calendars = self.env["resource.calendar"].sudo().search([("company_id", "!=", False)])
        existing = Leaves.search(
            [
                ("resource_id", "=", False),
                ("calendar_id", "in", [False, *calendars.ids]),
                ("date_from", "<", datetime(max(years) + 1, 1, 2)),
                ("date_to", ">", datetime(min(years) - 1, 12, 31)),
            ]
        )
        tz = pytz.timezone(GREEK_TZ)  # Greek holidays are days in Greece, whatever the calendar's zone
        vals_list = []
        for calendar in calendars:
            covered = set()
            for leave in existing:
                if leave.calendar_id != calendar and (leave.calendar_id or leave.company_id != calendar.company_id):
                    continue  # another calendar's, or another company's day off
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
                        "name": name,
                        "calendar_id": calendar.id,
                        "resource_id": False,
                        "time_type": "leave",
                        "date_from": start.replace(tzinfo=None),
                        "date_to": stop.replace(tzinfo=None),
                    }
                )
        return Leaves.create(vals_list)

    @api.model
    def _cron_support_greek_holidays(self):
        self._support_generate_greek_holidays()
