from odoo import api, fields, models
from odoo.fields import Domain

SUPPORT_FIRM_KINDS = [
    ("it_firm", "IT firm"),
    ("consultant", "Business consultants"),
    ("accounting", "Accounting office"),
    ("engineering", "IT technical office / computer engineers"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    support_firm_kind = fields.Selection(
        SUPPORT_FIRM_KINDS,
        string="Partner firm kind",
        help="Set on a company that is one of the vendor's partner firms; its contacts "
        "marked as technicians may then be certified to support customers.",
    )
    is_support_technician = fields.Boolean(
        string="Technician",
        help="A contact of a partner firm who supports customers and works in the "
        "partner section of the portal.",
    )
    support_contract_ids = fields.One2many(
        "support.contract", "partner_id", string="ESTES contracts"
    )
    support_contract_count = fields.Integer(
        string="ESTES count", compute="_compute_support_contract_count"
    )
    support_has_active_contract = fields.Boolean(
        string="Active ESTES",
        compute="_compute_support_has_active_contract",
        search="_search_support_has_active_contract",
        help="The customer (its commercial entity) holds an ESTES support contract "
        "that is active today.",
    )
    support_installation_ids = fields.One2many(
        "support.installation", "partner_id", string="Installations"
    )

    @api.depends("support_contract_ids")
    def _compute_support_contract_count(self):
        counts = dict(
            self.env["support.contract"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.support_contract_count = counts.get(partner.commercial_partner_id, 0)

    def _compute_support_has_active_contract(self):
        holders = self._get_support_contract_holders()
        for partner in self:
            partner.support_has_active_contract = partner in holders

    def _search_support_has_active_contract(self, operator, value):
        if operator != "in":
            return NotImplemented
        contracts = self.env["support.contract"]._search(
            self.env["support.contract"]._active_on_domain(fields.Date.context_today(self))
        )
        domain = Domain("commercial_partner_id", "in", contracts.subselect("partner_id"))
        return domain if True in value else ~domain

    def _get_support_contract_holders(self, date=None):
        """The contract gate: which of these partners are covered today?

        A partner is covered when its commercial entity holds an ESTES contract that
        is active on ``date`` (today by default). Answered for the whole recordset
        with one query; contracts found past their end date are expired on the way.

        :return: the subset of ``self`` that may be supported
        """
        date = date or fields.Date.context_today(self)
        commercial = self.commercial_partner_id
        if not commercial:
            return self.browse()
        Contract = self.env["support.contract"]
        contracts = Contract.search_fetch(
            [
                ("partner_id", "in", commercial.ids),
                ("state", "=", "active"),
                ("date_start", "<=", date),
            ],
            ["partner_id", "date_end"],
        )
        contracts.filtered(lambda c: c.date_end < date)._expire()
        covered = contracts.filtered(lambda c: c.date_end >= date).partner_id
        return self.filtered(lambda p: p.commercial_partner_id in covered)

    def action_view_support_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "certified_support.support_contract_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
