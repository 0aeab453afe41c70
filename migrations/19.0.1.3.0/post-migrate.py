"""19.0.1.3.0: document numbers per company and per year; Greek holidays per calendar.

* The shared sequences (no company, numbered on for ever) become one sequence per company
  with a date range per year (``RV/%(range_year)s/``). This year's range of each company
  continues from the shared sequence's next number, so that no number of this year is
  given twice; from next year each company starts again at 1.
* The Greek public holidays were global leaves without a calendar, stored again for the
  main company on every run of the cron and never for the other companies. They are
  replaced by one leave per holiday and working calendar, named in Greek.
"""

from datetime import datetime, time

import holidays
import pytz

from odoo import SUPERUSER_ID, api, fields

OLD_XMLIDS = {
    "support.request": "seq_support_request",
    "support.a1.form": "seq_support_a1_form",
    "support.production.order": "seq_support_production_order",
    "support.contract": "seq_support_contract",
    "support.cooperation.contract": "seq_support_cooperation_contract",
}


def _migrate_sequences(env):
    Sequence = env["ir.sequence"].with_context(active_test=False)
    today = fields.Date.context_today(Sequence)
    year_start, year_end = today.replace(month=1, day=1), today.replace(month=12, day=31)
    companies = env["res.company"].with_context(active_test=False).search([])
    for code, xmlid in OLD_XMLIDS.items():
        shared = env.ref(f"certified_support.{xmlid}", raise_if_not_found=False)
        if not shared or shared.company_id:
            continue
        next_number = shared.number_next_actual
        env["ir.sequence"]._support_create_sequences(companies)  # the update's data did it already
        for sequence in Sequence.search([("code", "=", code), ("company_id", "in", companies.ids)]):
            if not sequence.date_range_ids.filtered(lambda r: r.date_from <= today <= r.date_to):
                env["ir.sequence.date_range"].create(
                    {
                        "sequence_id": sequence.id,
                        "date_from": year_start,
                        "date_to": year_end,
                        "number_next_actual": next_number,
                    }
                )
        shared.unlink()
    env["ir.sequence"]._support_create_sequences()


def _migrate_holidays(env):
    Leaves = env["resource.calendar.leaves"]
    old = Leaves.search([("resource_id", "=", False), ("calendar_id", "=", False), ("time_type", "=", "leave")])
    if old:
        tz = pytz.timezone("Europe/Athens")
        years = sorted({pytz.utc.localize(leave.date_from).astimezone(tz).year for leave in old})
        generated = set()
        for language in ("en_US", "el"):
            for day, name in holidays.Greece(years=years, language=language).items():
                start = tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)
                stop = tz.localize(datetime.combine(day, time(23, 59, 59))).astimezone(pytz.utc).replace(tzinfo=None)
                generated.add((name, start, stop))
        # Only the leaves the old cron wrote: a holiday's name on exactly that day.
        old.filtered(lambda leave: (leave.name, leave.date_from, leave.date_to) in generated).unlink()
    Leaves._support_generate_greek_holidays()


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    _migrate_sequences(env)
    _migrate_holidays(env)
