from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.support_xlsx_engine import REPORT_KINDS


class SupportXlsxExport(models.TransientModel):
    """Excel workbooks of the network's figures, read with the user's rights (record rules):
    the vendor's staff get their companies' records, a partner firm's manager the firm's."""

    _name = "support.xlsx.export"
    _description = "Export to Excel"

    report_kind = fields.Selection(REPORT_KINDS, string="Report", required=True, default="a1_register")
    date_from = fields.Date(string="From")
    date_to = fields.Date(string="Until")
    company_id = fields.Many2one(
        "res.company", string="Company", domain=lambda self: [("id", "in", self.env.companies.ids)]
    )
    firm_id = fields.Many2one("res.partner", string="Partner firm", domain="[('support_firm_kind', '!=', False)]")
    technician_id = fields.Many2one("res.partner", string="Technician", domain="[('is_support_technician', '=', True)]")
    partner_id = fields.Many2one("res.partner", string="Customer", domain="[('is_company', '=', True)]")
    request_state = fields.Selection(
        selection=lambda self: self.env["support.request"]._fields["state"]._description_selection(self.env),
        string="Request state",
    )
    a1_state = fields.Selection(
        selection=lambda self: self.env["support.a1.form"]._fields["state"]._description_selection(self.env),
        string="A1 Form state",
    )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from and wizard.date_to and wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period must end after it starts."))

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/certified_support/xlsx_export/{self.id}",
            "target": "download",
        }

    def _get_options(self):
        self.ensure_one()
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "company_id": self.company_id.id,
            "firm_id": self.firm_id.id,
            "technician_id": self.technician_id.id,
            "partner_id": self.partner_id.id,
            "request_state": self.request_state,
            "a1_state": self.a1_state,
        }
