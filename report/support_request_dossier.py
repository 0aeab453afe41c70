from odoo import api, models
from odoo.exceptions import AccessError


class ReportSupportRequestDossier(models.AbstractModel):
    """The evidence dossier shows every step of a request, cost acceptances, invoices and
    ratings included: only support managers (and the auditors they give that role) print
    it, whatever route asks for it (the print menu, /report URLs, RPC)."""

    _name = "report.certified_support.report_support_request_dossier"
    _description = "Evidence dossier of an RV request"

    @api.model
    def _get_report_values(self, docids, data=None):
        if not self.env.user.has_group("certified_support.group_support_manager"):
            raise AccessError(self.env._("Only support managers print the evidence dossier of a request."))
        docs = self.env["support.request"].browse(docids)
        docs.check_access("read")
        return {"doc_ids": docids, "doc_model": "support.request", "docs": docs}
