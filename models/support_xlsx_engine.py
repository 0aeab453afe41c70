import re
from collections import defaultdict

import xlsxwriter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import split_every

# How many records are read from the database at a time: memory stays flat whatever the
# number of rows (xlsxwriter's constant-memory mode writes each row to disk at once).
BATCH_SIZE = 1000

# The reports (the wizard's "Report" field offers them, with these labels translated).
REPORT_KINDS = [
    ("a1_register", "A1 register"),
    ("kpi", "Technician and firm KPIs"),
    ("requests", "Requests with acceptances"),
]
HANDLED_STATES = ("done", "to_close_by_phone", "closed")
STRFTIME_TO_EXCEL = {
    "%d": "dd",
    "%m": "mm",
    "%Y": "yyyy",
    "%y": "yy",
    "%B": "mmmm",
    "%b": "mmm",
    "%A": "dddd",
    "%a": "ddd",
    "%e": "d",
    "%H": "hh",
    "%I": "hh",
    "%M": "mm",
    "%S": "ss",
    "%p": "AM/PM",
}


class SupportXlsxExportEngine(models.AbstractModel):
    """The engine of the Excel workbooks of the network's figures, called by the backend
    wizard and the partner section of the portal alike. The records are read with the
    user's rights (record rules): the vendor's staff get their companies' records, a partner
    firm's manager the firm's."""

    _name = "support.xlsx.export.engine"
    _description = "Excel export engine"

    @api.model
    def _support_check_export_access(self):
        """Staff of the vendor and the managers of partner firms; customers get nothing."""
        user = self.env.user
        if not (
            user.has_group("certified_support.group_support_user")
            or user.has_group("certified_support.group_support_accountant")
            or user.has_group("certified_support.group_support_firm_manager")
        ):
            raise AccessError(self.env._("Only the support staff and the partner firms' managers export reports."))

    @api.model
    def _support_filename(self, kind):
        # The report's name as the wizard's field shows it, in the user's language.
        labels = self.env["support.xlsx.export"]._fields["report_kind"]._description_selection(self.env)
        return f"{dict(labels)[kind]}.xlsx"

    @api.model
    def _support_write_xlsx(self, kind, options, output):
        """Write the workbook of ``kind`` into the binary file object ``output``."""
        self._support_check_export_access()
        # The workbook is in the user's language and timezone.
        self = self.with_context(lang=self.env.user.lang, tz=self.env.user.tz)  # noqa: PLW0642
        if kind not in dict(REPORT_KINDS):
            raise UserError(self.env._("Unknown report."))
        lang = self.env["res.lang"]._get_data(code=self.env.lang or self.env.user.lang or "en_US")
        workbook = xlsxwriter.Workbook(output, {"constant_memory": True, "remove_timezone": True})
        styles = self._support_styles(workbook, lang)
        getattr(self, f"_support_sheet_{kind}")(workbook, styles, options)
        workbook.close()

    @api.model
    def _support_styles(self, workbook, lang):
        date_code = self._support_excel_date_format(lang.date_format or "%m/%d/%Y")
        return {
            "header": workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}),
            "text": workbook.add_format({}),
            "date": workbook.add_format({"num_format": date_code}),
            "datetime": workbook.add_format({"num_format": f"{date_code} hh:mm"}),
            "number": workbook.add_format({"num_format": "#,##0.00"}),
            "integer": workbook.add_format({"num_format": "0"}),
            "percent": workbook.add_format({"num_format": "0.0%"}),
            "total_label": workbook.add_format({"bold": True, "top": 1}),
            "total": workbook.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"}),
        }

    @api.model
    def _support_excel_date_format(self, strftime_format):
        """'%d/%m/%Y' (the user's language) → 'dd/mm/yyyy' (Excel)."""
        return re.sub(r"%[a-zA-Z]", lambda m: STRFTIME_TO_EXCEL.get(m.group(0), ""), strftime_format)

    @api.model
    def _support_label(self, model, field_name):
        return self.env[model]._fields[field_name]._description_string(self.env)

    @api.model
    def _support_start_sheet(self, workbook, styles, name, columns):
        """A sheet with its header (frozen, filtered) and column widths; ``columns`` are
        (header, width, style) tuples."""
        # Sheet names are unique in a workbook, whatever their case (two firms may share a
        # name, or its first 31 characters): the next one gets " (2)", " (3)", …
        taken = {worksheet.get_name().lower() for worksheet in workbook.worksheets()}
        sheet_name, count = name[:31], 1
        while sheet_name.lower() in taken:
            count += 1
            suffix = f" ({count})"
            sheet_name = name[: 31 - len(suffix)] + suffix
        sheet = workbook.add_worksheet(sheet_name)
        for col, (header, width, _style) in enumerate(columns):
            sheet.set_column(col, col, width)
            sheet.write_string(0, col, header, styles["header"])
        sheet.freeze_panes(1, 0)
        return sheet

    @api.model
    def _support_write_row(self, sheet, row, values, columns, styles):
        for col, value in enumerate(values):
            style = styles[columns[col][2]]
            if value is None or value is False or value == "":
                sheet.write_blank(row, col, None, style)
            elif isinstance(value, str):
                sheet.write_string(row, col, value, style)
            elif isinstance(value, (int, float)):
                sheet.write_number(row, col, value, style)
            else:
                sheet.write_datetime(row, col, value, style)

    @api.model
    def _support_local(self, value):
        """Datetimes in the user's timezone, naive as Excel wants them."""
        if not value:
            return None
        return fields.Datetime.context_timestamp(self, value).replace(tzinfo=None)

    @api.model
    def _support_reader(self, model):
        """Which records is decided by searching as the user (record rules). Partner firms'
        managers are portal users who may not read the customers' names or the invoices:
        their rows (found under their firm's rules) are then read as superuser."""
        if self.env.user._is_portal():
            return self.env[model].sudo()  # rows already restricted by the firm's rules
        return self.env[model]

    @api.model
    def _support_batches(self, model, domain, field_names):
        """Search the ids as the user, then read them ``BATCH_SIZE`` at a time."""
        ids = self.env[model].search(domain, order="id").ids
        reader = self._support_reader(model)
        for batch_ids in split_every(BATCH_SIZE, ids):
            records = reader.browse(batch_ids)
            records.fetch(field_names)
            yield records
            # Drop the batch and what it read from the cache (pending writes are flushed first).
            self.env.invalidate_all()

    @api.model
    def _support_domain(self, options, date_field, state_field=None, state_key=None):
        domain = Domain.TRUE
        if options.get("date_from"):
            domain &= Domain(date_field, ">=", fields.Datetime.to_datetime(options["date_from"]))
        if options.get("date_to"):
            domain &= Domain(date_field, "<", fields.Datetime.to_datetime(fields.Date.add(options["date_to"], days=1)))
        for key in ("company_id", "firm_id", "technician_id", "partner_id"):
            if options.get(key):
                domain &= Domain(key, "=", options[key])
        if state_field and options.get(state_key):
            domain &= Domain(state_field, "=", options[state_key])
        return domain

    @api.model
    def _support_selection_labels(self, model, field_name):
        return dict(self.env[model]._fields[field_name]._description_selection(self.env))

    # ------------------------------------------------------------------
    # A1 register (for the accountants)
    # ------------------------------------------------------------------

    @api.model
    def _support_sheet_a1_register(self, workbook, styles, options):
        label = self._support_label
        model = "support.a1.form"
        columns = [
            (label(model, "name"), 16, "text"),
            (label(model, "request_id"), 16, "text"),
            (label(model, "date_start"), 18, "datetime"),
            (label(model, "date_end"), 18, "datetime"),
            (label(model, "partner_id"), 32, "text"),
            (self.env._("Customer VAT"), 14, "text"),
            (label(model, "technician_id"), 24, "text"),
            (label(model, "firm_id"), 28, "text"),
            (label(model, "duration"), 10, "number"),
            (label(model, "amount_untaxed"), 14, "number"),
            (label(model, "amount_tax"), 12, "number"),
            (label(model, "amount_total"), 14, "number"),
            (label(model, "state"), 12, "text"),
            (label(model, "signed_how"), 20, "text"),
            (label(model, "signed_on"), 18, "datetime"),
            (label(model, "signed_by"), 24, "text"),
            (self.env._("Invoice number"), 20, "text"),
            (label(model, "invoice_status"), 16, "text"),
        ]
        sheet = self._support_start_sheet(workbook, styles, self.env._("A1 register"), columns)
        states = self._support_selection_labels(model, "state")
        hows = self._support_selection_labels(model, "signed_how")
        statuses = self._support_selection_labels(model, "invoice_status")
        domain = self._support_domain(options, "date_start", "state", "a1_state")
        field_names = [
            "name",
            "request_id",
            "date_start",
            "date_end",
            "partner_id",
            "technician_id",
            "firm_id",
            "duration",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "state",
            "signed_how",
            "signed_on",
            "signed_by",
            "external_invoice_ref",
            "external_invoice_mark",
            "invoice_ids",
            "invoice_status",
        ]
        row = 0
        totals = defaultdict(float)
        for forms in self._support_batches(model, domain, field_names):
            # The invoice numbers are shown with the A1 Form to whoever reads it.
            invoices = forms.invoice_ids.sudo()
            invoices.fetch(["name", "state", "a1_form_id"])
            invoices_by_form = invoices.grouped("a1_form_id")
            (forms.partner_id | forms.technician_id | forms.firm_id).fetch(["name", "vat"])
            for form in forms:
                row += 1
                invoice_numbers = (
                    [
                        self.env._(
                            "%(ref)s (myDATA MARK %(mark)s)",
                            ref=form.external_invoice_ref,
                            mark=form.external_invoice_mark,
                        )
                    ]
                    if form.external_invoice_ref
                    else []
                )
                # The numbers of the forms' invoices found above; a draft has none yet (False).
                invoice_numbers += [
                    move.name
                    for move in invoices_by_form.get(form, invoices.browse())
                    if move.state != "cancel" and move.name and move.name != "/"
                ]
                for key in ("duration", "amount_untaxed", "amount_tax", "amount_total"):
                    totals[key] += form[key]
                self._support_write_row(
                    sheet,
                    row,
                    [
                        form.name,
                        form.request_id.name,
                        self._support_local(form.date_start),
                        self._support_local(form.date_end),
                        form.partner_id.name,
                        form.partner_id.vat or "",
                        form.technician_id.name or "",
                        form.firm_id.name or "",
                        form.duration,
                        form.amount_untaxed,
                        form.amount_tax,
                        form.amount_total,
                        states.get(form.state, ""),
                        hows.get(form.signed_how, ""),
                        self._support_local(form.signed_on),
                        form.signed_by or "",
                        ", ".join(invoice_numbers),
                        statuses.get(form.invoice_status, ""),
                    ],
                    columns,
                    styles,
                )
        sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)
        total_row = row + 1
        sheet.write_string(total_row, 0, self.env._("Total"), styles["total_label"])
        for col, key in ((8, "duration"), (9, "amount_untaxed"), (10, "amount_tax"), (11, "amount_total")):
            letter = xlsxwriter.utility.xl_col_to_name(col)
            sheet.write_formula(
                total_row,
                col,
                f"=SUBTOTAL(109,{letter}2:{letter}{max(row, 1) + 1})",
                styles["total"],
                round(totals[key], 2),
            )

    # ------------------------------------------------------------------
    # Requests with their cost acceptances
    # ------------------------------------------------------------------

    @api.model
    def _support_sheet_requests(self, workbook, styles, options):
        label = self._support_label
        model, acc = "support.request", "support.acceptance"
        columns = [
            (label(model, "name"), 16, "text"),
            (self.env._("Requested on"), 18, "datetime"),
            (label(model, "partner_id"), 32, "text"),
            (label(model, "fault_id"), 28, "text"),
            (label(model, "channel"), 10, "text"),
            (label(model, "state"), 18, "text"),
            (label(model, "technician_id"), 24, "text"),
            (label(model, "firm_id"), 28, "text"),
            (label(model, "meeting_start"), 18, "datetime"),
            (label(model, "amount_accepted"), 14, "number"),
            (label(acc, "kind"), 14, "text"),
            (label(acc, "accepted_by_id"), 24, "text"),
            (label(acc, "user_id"), 24, "text"),
            (label(acc, "amount_total"), 14, "number"),
            (label(acc, "accepted_on"), 18, "datetime"),
            (self.env._("Accepted through"), 14, "text"),
            (self.env._("Acceptance state"), 14, "text"),
        ]
        sheet = self._support_start_sheet(workbook, styles, self.env._("Requests"), columns)
        states = self._support_selection_labels(model, "state")
        channels = self._support_selection_labels(model, "channel")
        kinds = self._support_selection_labels(acc, "kind")
        acc_states = self._support_selection_labels(acc, "state")
        domain = self._support_domain(options, "create_date", "state", "request_state")
        field_names = [
            "name",
            "create_date",
            "partner_id",
            "fault_id",
            "channel",
            "state",
            "technician_id",
            "firm_id",
            "meeting_start",
            "amount_accepted",
            "acceptance_ids",
        ]
        row = 0
        for requests in self._support_batches(model, domain, field_names):
            acceptances = requests.acceptance_ids
            acceptances.fetch(["kind", "accepted_by_id", "user_id", "amount_total", "accepted_on", "channel", "state"])
            (requests.partner_id | requests.technician_id | requests.firm_id | acceptances.accepted_by_id).fetch(
                ["name"]
            )
            requests.fault_id.fetch(["display_name"])
            for request in requests:
                head = [
                    request.name,
                    self._support_local(request.create_date),
                    request.partner_id.name,
                    request.fault_id.display_name or "",
                    channels.get(request.channel, ""),
                    states.get(request.state, ""),
                    request.technician_id.name or "",
                    request.firm_id.name or "",
                    self._support_local(request.meeting_start),
                    request.amount_accepted,
                ]
                for acceptance in request.acceptance_ids.sorted("id") or [None]:
                    row += 1
                    tail = (
                        [
                            kinds.get(acceptance.kind, ""),
                            acceptance.accepted_by_id.name or "",
                            acceptance.user_id.sudo().name or "",  # who recorded it: a user's name
                            acceptance.amount_total,
                            self._support_local(acceptance.accepted_on),
                            channels.get(acceptance.channel, ""),
                            acc_states.get(acceptance.state, ""),
                        ]
                        if acceptance
                        else [None] * 7
                    )
                    self._support_write_row(sheet, row, head + tail, columns, styles)
        sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)

    # ------------------------------------------------------------------
    # KPIs per technician: one sheet per firm and a summary of the firms
    # ------------------------------------------------------------------

    @api.model
    def _support_sheet_kpi(self, workbook, styles, options):
        Request = self.env["support.request"]
        domain = self._support_domain(options, "create_date", "state", "request_state") & Domain(
            "technician_id", "!=", False
        )
        stats = defaultdict(lambda: defaultdict(float))  # technician id → figures
        firm_of = {}
        for requests in self._support_batches(
            "support.request",
            domain,
            ["technician_id", "firm_id", "state", "create_date", "meeting_start", "support_escalated_on"],
        ):
            for request in requests:
                figures = stats[request.technician_id.id]
                firm_of[request.technician_id.id] = request.firm_id.id
                if request.state in HANDLED_STATES:
                    figures["handled"] += 1
                    if request.support_escalated_on:
                        figures["escalated"] += 1
                if request.meeting_start:
                    figures["to_meeting_days"] += (request.meeting_start - request.create_date).total_seconds() / 86400
                    figures["meetings"] += 1
        request_ids = Request._search(domain)
        # The A1 Forms of the same requests, under the user's rules.
        for technician, duration, amount in self.env["support.a1.form"]._read_group(
            [("request_id", "in", request_ids), ("state", "in", ("filed", "signed"))],
            ["technician_id"],
            ["duration:sum", "amount_total:sum"],
        ):
            stats[technician.id]["hours"] += duration
            stats[technician.id]["amount"] += amount
        # Ratings are not readable by partner firms: those of the requests found above.
        Rating = self.env["rating.rating"].sudo()
        rating_domain = [("res_model", "=", "support.request"), ("res_id", "in", request_ids), ("consumed", "=", True)]
        for key, minimum in (("ratings", 1), ("happy", 4)):
            for technician, count in Rating._read_group(
                rating_domain + [("rating", ">=", minimum)], ["rated_partner_id"], ["__count"]
            ):
                stats[technician.id][key] += count
        Partner = self._support_reader("res.partner")
        technicians = Partner.browse([key for key in stats if key]).exists()
        firms = Partner.browse(set(firm_of.values()) - {False}).exists()
        (technicians | firms).fetch(["name", "support_certified", "support_certification_reasons"])

        label = self._support_label
        columns = [
            (label("support.request", "technician_id"), 26, "text"),
            (self.env._("Requests handled"), 12, "integer"),
            (self.env._("Hours"), 10, "number"),
            (self.env._("Amount"), 14, "number"),
            (self.env._("Average days from request to meeting"), 16, "number"),
            (self.env._("Escalated to phone closing"), 14, "percent"),
            (self.env._("Satisfaction"), 12, "percent"),
            (self.env._("Certified"), 10, "text"),
            (self.env._("Certification reasons"), 50, "text"),
        ]
        summary_columns = [(label("support.request", "firm_id"), 30, "text")] + columns[1:]
        summary = self._support_start_sheet(workbook, styles, self.env._("Summary"), summary_columns)
        yes, no = self.env._("Yes"), self.env._("No")

        def kpi_values(figures, partner):
            handled = figures["handled"]
            return [
                int(handled),
                figures["hours"],
                figures["amount"],
                figures["to_meeting_days"] / figures["meetings"] if figures["meetings"] else None,
                figures["escalated"] / handled if handled else None,
                figures["happy"] / figures["ratings"] if figures["ratings"] else None,
                yes if partner.support_certified else no,
                (partner.support_certification_reasons or "").replace("\n", "; "),
            ]

        summary_row = 0
        for firm in firms.sorted("name"):
            members = technicians.filtered(lambda t, firm=firm: firm_of.get(t.id) == firm.id).sorted("name")
            sheet = self._support_start_sheet(workbook, styles, re.sub(r"[\[\]:*?/\\]", " ", firm.name), columns)
            firm_figures = defaultdict(float)
            for row, technician in enumerate(members, start=1):
                figures = stats[technician.id]
                for key, value in figures.items():
                    firm_figures[key] += value
                self._support_write_row(
                    sheet, row, [technician.name] + kpi_values(figures, technician), columns, styles
                )
            sheet.autofilter(0, 0, max(len(members), 1), len(columns) - 1)
            summary_row += 1
            self._support_write_row(
                summary, summary_row, [firm.name] + kpi_values(firm_figures, firm), summary_columns, styles
            )
        summary.autofilter(0, 0, max(summary_row, 1), len(summary_columns) - 1)
