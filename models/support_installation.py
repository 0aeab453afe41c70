from odoo import api, fields, models


class SupportInstallation(models.Model):
    _name = "support.installation"
    _description = "Installation of a Vendor Product"
    _inherit = ["mail.thread"]
    _order = "partner_id, product_id, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
    )
    product_id = fields.Many2one("product.product", string="Product", required=True, tracking=True, check_company=True)
    version = fields.Char(tracking=True)
    date_installed = fields.Date(string="Installed on")
    firm_id = fields.Many2one(
        "res.partner",
        string="Maintained by",
        index=True,
        tracking=True,
        check_company=True,
        domain="[('support_firm_kind', '!=', False)]",
        help="The partner firm that installed and maintains this installation.",
    )
    note = fields.Text(string="Notes")

    @api.depends("product_id", "version")
    def _compute_name(self):
        for installation in self:
            parts = [installation.product_id.name, installation.version]
            installation.name = " ".join(p for p in parts if p)

    @api.model_create_multi
    def create(self, vals_list):
        installations = super().create(vals_list)
        installations.firm_id._support_certification_changed()
        return installations

    def write(self, vals):
        firms = self.firm_id if {"firm_id", "active"} & set(vals) else None
        result = super().write(vals)
        if firms is not None:
            (firms | self.firm_id)._support_certification_changed()
        return result

    def unlink(self):
        firms = self.firm_id
        result = super().unlink()
        firms._support_certification_changed()
        return result
