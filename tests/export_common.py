import io

import openpyxl

from .rating_common import SCAN, RatingMixin


class XlsxExportMixin(RatingMixin):
    """Two partner firms: the firm of `technician` (two requests, one signed A1 Form and one
    filed) and a second firm with one filed A1 Form of its own."""

    @classmethod
    def _setup_export_data(cls):
        cls._setup_a1_data()
        cls.second_firm, cls.second_technician, cls.second_request = cls._setup_second_firm(
            "Αιγαίο Συστήματα Α.Ε.", "Ελένη Δημητρίου", "cs_second_technician"
        )
        cls.customer.vat = "EL094014201"
        cls.signed_form = cls._create_a1(cls.request)
        cls.signed_form._sign("Γιώργος Παπαδόπουλος", "scan", signed_on="2026-03-13 08:00:00", pdf=SCAN)
        cls.filed_form = cls._create_a1(cls.other_request, date_end="2026-03-12 09:00:00")
        cls.second_form = cls._create_a1(cls.second_request, date_end="2026-03-12 10:30:00")
        cls.forms = cls.signed_form | cls.filed_form | cls.second_form

    def _export(self, user, kind, options=None):
        output = io.BytesIO()
        self.env["support.xlsx.export.engine"].with_user(user)._support_write_xlsx(kind, options or {}, output)
        return self._open(output.getvalue())

    @staticmethod
    def _open(content, data_only=False):
        return openpyxl.load_workbook(io.BytesIO(content), data_only=data_only)

    @staticmethod
    def _rows(sheet):
        return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
