from odoo import api, fields, models


class SupportInstallation(models.Model):
    _name = "support.installation"
    _description = "Installation of a Vendor Product"
    _inherit = ["mail.thread", "support.certification.input"]
    _order = "partner_id, product_id, id"
    _check_company_auto = True

    _support_certification_inputs = frozenset({"firm_id", "active"})

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

    def _support_certification_partners(self):
        """The firm's active installations count towards its technicians' certification."""
        return self.firm_id
