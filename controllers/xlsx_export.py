import tempfile

from werkzeug.wsgi import wrap_file

from odoo import http
from odoo.exceptions import AccessError
from odoo.http import content_disposition, request

from ..models.support_xlsx_engine import REPORT_KINDS

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SupportXlsxExportController(http.Controller):
    """Excel workbooks built on the fly, read with the user's rights (record rules)."""

    def _support_xlsx_response(self, env, kind, options):
        engine = env["support.xlsx.export.engine"].with_context(lang=env.user.lang)
        # A file on disk: the workbook never has to fit in memory.
        output = tempfile.TemporaryFile()
        engine._support_write_xlsx(kind, options, output)
        size = output.tell()
        output.seek(0)
        return request.make_response(
            wrap_file(request.httprequest.environ, output),
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", str(size)),
                ("Content-Disposition", content_disposition(engine._support_filename(kind))),
            ],
        )

    @http.route("/certified_support/xlsx_export/<int:wizard_id>", type="http", auth="user")
    def support_xlsx_export(self, wizard_id, **kw):
        """The backend wizard's "Download": only its own user's wizard."""
        wizard = request.env["support.xlsx.export"].browse(wizard_id).exists()
        try:
            wizard.check_access("read")
        except AccessError:
            raise request.not_found() from None
        if not wizard or wizard.create_uid != request.env.user:
            raise request.not_found()
        return self._support_xlsx_response(request.env, wizard.report_kind, wizard._get_options())

    @http.route("/my/partner/export/<string:kind>.xlsx", type="http", auth="user")
    def support_partner_xlsx_export(self, kind, **kw):
        """A partner firm's manager exports the firm's rows: the firm is the user's own
        commercial entity (never taken from the request) and the records are read under
        the firm manager's record rules. Anybody else gets a 404."""
        user = request.env.user
        if kind not in dict(REPORT_KINDS) or not user.has_group("certified_support.group_support_firm_manager"):
            raise request.not_found()
        firm = user.partner_id.commercial_partner_id
        return self._support_xlsx_response(request.env, kind, {"firm_id": firm.id})
