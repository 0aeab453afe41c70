import pytz

from odoo import api, fields, models

# The numbers of the addon's documents: one sequence per company, restarting every year
# (a date range per year, as Odoo's journals do): RV/2027/00001 follows RV/2026/00873.
SUPPORT_SEQUENCES = {
    "support.request": ("RV Request", "RV/%(range_year)s/", 5),
    "support.a1.form": ("A1 Form", "A1/%(range_year)s/", 5),
    "support.production.order": ("Production or Support Order", "ΠΠΥ/%(range_year)s/", 5),
    "support.contract": ("ESTES Support Contract", "ESTES/%(range_year)s/", 5),
    "support.cooperation.contract": ("Cooperation Contract", "COOP/%(range_year)s/", 4),
}


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    @api.model
    def _support_create_sequences(self, companies=None):
        """Each company's sequences of the addon's documents, those it lacks (every company
        when ``companies`` is not given). Returns the sequences created."""
        Sequence = self.sudo()  # configuration data, created for every company by the system
        # sudo: every company gets its sequences, including those the current user is not in
        companies = (companies if companies is not None else self.env["res.company"].search([])).sudo()  # pylint: disable=no-search-all
        existing = {
            (seq.company_id.id, seq.code)
            for seq in Sequence.with_context(active_test=False).search(
                [("code", "in", list(SUPPORT_SEQUENCES)), ("company_id", "in", companies.ids)]
            )
        }
        return Sequence.create(
            [
                {
                    "name": name,
                    "code": code,
                    "prefix": prefix,
                    "padding": padding,
                    "use_date_range": True,
                    "company_id": company.id,
                }
                for company in companies
                for code, (name, prefix, padding) in SUPPORT_SEQUENCES.items()
                if (company.id, code) not in existing
            ]
        )

    @api.model
    def _support_next(self, code, company):
        """The next number of ``code`` for ``company``, in the year of today's date where the
        company works (its calendar's timezone): a request registered at 00:30 on 1 January
        in Athens is numbered in the new year."""
        company = company or self.env.company
        tz = company.sudo().resource_calendar_id.tz or self.env.user.tz or "UTC"  # a timezone only
        today = fields.Datetime.now().replace(tzinfo=pytz.utc).astimezone(pytz.timezone(tz)).date()
        return self.with_company(company).next_by_code(code, sequence_date=today)
