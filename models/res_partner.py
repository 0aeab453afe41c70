import re

from odoo import api, fields, models
from odoo.fields import Domain

SUPPORT_FIRM_KINDS = [
    ("it_firm", "IT firm"),
    ("consultant", "Business consultants"),
    ("accounting", "Accounting office"),
    ("engineering", "IT technical office / computer engineers"),
]

SUPPORT_STAFF_GROUPS = "certified_support.group_support_user,certified_support.group_support_accountant"

# A Greek VAT number (ΑΦΜ): 9 digits, optionally with the EU prefix EL (or GR).
GREEK_VAT_RE = re.compile(r"^(?:EL|GR)?(\d{9})$")


class ResPartner(models.Model):
    _inherit = "res.partner"

    support_firm_kind = fields.Selection(
        SUPPORT_FIRM_KINDS,
        string="Partner firm kind",
        help="Set on a company that is one of the vendor's partner firms; its contacts "
        "marked as technicians may then be certified to support customers.",
    )
    support_tax_office = fields.Char(
        string="Tax office (ΔΟΥ)",
        help="The Greek tax office (ΔΟΥ) the company is registered with; printed beside its "
        "VAT number (ΑΦΜ) on the documents it issues or receives.",
    )
    is_support_technician = fields.Boolean(
        string="Technician",
        help="A contact of a partner firm who supports customers and works in the partner section of the portal.",
    )
    # The fields that read the addon's own records are limited to the support staff: a
    # salesperson or an invoicing user reads contacts without reaching contracts.
    support_contract_ids = fields.One2many(
        "support.contract",
        "partner_id",
        string="ESTES contracts",
        groups=SUPPORT_STAFF_GROUPS,
    )
    support_contract_count = fields.Integer(
        string="ESTES count", compute="_compute_support_contract_count", groups=SUPPORT_STAFF_GROUPS
    )
    support_has_active_contract = fields.Boolean(
        string="Active ESTES",
        compute="_compute_support_has_active_contract",
        search="_search_support_has_active_contract",
        groups=SUPPORT_STAFF_GROUPS,
        help="The customer (its commercial entity) holds an ESTES support contract that is active today.",
    )
    support_installation_ids = fields.One2many(
        "support.installation", "partner_id", string="Installations", groups=SUPPORT_STAFF_GROUPS
    )
    # phone_validation stores the E.164 form of the phone: indexed for the lookup by number.
    phone_sanitized = fields.Char(index="btree_not_null")

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
        is active on ``date`` (today by default).

        :return: the subset of ``self`` that may be supported
        """
        covering = self._get_support_covering_contracts(date)
        return self.filtered(lambda p: p.commercial_partner_id._origin.id in covering)

    def _get_support_covering_contracts(self, date=None):
        """The ESTES contract that covers each of these partners on ``date`` (today by
        default), answered for the whole recordset with one query; contracts found past
        their end date are expired on the way.

        :return: ``{commercial partner id: support.contract}`` for the covered ones
        """
        date = date or fields.Date.context_today(self)
        # Compare database ids: ``self`` may hold new records of a form (onchange).
        commercial_ids = set(self.commercial_partner_id._origin.ids)
        if not commercial_ids:
            return {}
        Contract = self.env["support.contract"]
        contracts = Contract.search_fetch(
            [
                ("partner_id", "in", list(commercial_ids)),
                ("state", "=", "active"),
                ("date_start", "<=", date),
            ],
            ["partner_id", "date_end"],
            order="date_start desc, id desc",
        )
        contracts.filtered(lambda c: c.date_end < date)._expire()
        covering = {}
        for contract in contracts.filtered(lambda c: c.date_end >= date):
            covering.setdefault(contract.partner_id.id, contract)
        return covering

    def action_view_support_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("certified_support.support_contract_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------------
    # Finding the caller (phone requests, CTI)
    # ------------------------------------------------------------------

    @api.model
    def _support_normalize_phone(self, number):
        """The E.164 form (``+302107489589``) of a number written in any usual Greek way
        (``210 7489589``, ``+30 210-7489589``, ``0030…``, ``6912345678``), or False."""
        number = (number or "").strip()
        if not number:
            return False
        return self._phone_format_number(number, self.env.ref("base.gr"), force_format="E164")

    @api.model
    def _support_phone_domain(self, number):
        """Partners whose phone is this number, however it was typed when stored.

        Matches the stored E.164 form (``phone_sanitized``, filled when the partner's or the
        company's country let phone_validation parse it) or the stored phone without its
        separators, in international or national form (phone_validation's expression index).
        """
        e164 = self._support_normalize_phone(number)
        if not e164:
            return Domain.FALSE
        forms = [e164]
        if e164.startswith("+30"):
            forms.append(e164[3:])
        return Domain("phone_sanitized", "=", e164) | Domain("phone_mobile_search", "in", forms)

    @api.model
    def _support_lookup_domain(self, term):
        """Partners matching what the caller gave: a phone number, a Greek VAT number
        (with or without EL, spaces or dots) or a name."""
        term = (term or "").strip()
        if not term:
            return Domain.FALSE
        domains = [self._support_phone_domain(term)]
        vat = GREEK_VAT_RE.match(re.sub(r"[\s.\-]", "", term).upper())
        if vat:
            digits = vat.group(1)
            domains.append(Domain("vat", "in", [digits, f"EL{digits}", f"GR{digits}"]))
        elif re.search(r"[^\W\d_]", term):
            domains.append(Domain("complete_name", "ilike", term))
        return Domain.OR(domains)

    @api.model
    def _support_lookup(self, term, limit=80):
        """The partners matching ``term`` (companies or their contacts): their commercial
        entities are the customers."""
        domain = self._support_lookup_domain(term)
        if domain.is_false():
            return self.browse()
        return self.search(domain, limit=limit)
