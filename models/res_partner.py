"""Partners in Certified Support: the customers (the contract gate, finding the caller by
phone or VAT number), the partner firms and the certification of their technicians.

Certification of partner technicians (step 0): a live, stored status with its reasons as
codes; the engine (collect → evaluate → explain, its rules and its one trigger) is
``support.certification.engine`` in support_certification.py.
"""

import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command, Domain

SUPPORT_FIRM_KINDS = [
    ("it_firm", "IT firm"),
    ("consultant", "Business consultants"),
    ("accounting", "Accounting office"),
    ("engineering", "IT technical office / computer engineers"),
]

SUPPORT_STAFF_GROUPS = "certified_support.group_support_user,certified_support.group_support_accountant"

# A Greek VAT number (ΑΦΜ): 9 digits, optionally with the EU prefix EL (or GR).
GREEK_VAT_RE = re.compile(r"^(?:EL|GR)?(\d{9})$")

PROPOSAL_STATES = [
    ("none", "Not proposed"),
    ("proposed", "Proposed"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
SATISFACTION_HELP = (
    "Share of satisfied ratings: the customers' ratings of 4 or 5 out of 5 (Happy) among "
    "all their ratings of the RV requests the technician handled, given in the last months "
    "set in the Certified Support settings. For a firm: over all its technicians' ratings."
)
# Written only by the certification computation (as superuser).
CERTIFICATION_FIELDS = {
    "support_certified",
    "support_certification_reason_codes",
    "support_certified_since",
    "support_certification_checked_on",
    "support_certification_dirty",
}
# Written by the proposal workflow: the firm's proposal (portal, checked) and the
# support manager's decision.
PROPOSAL_FIELDS = {
    "support_proposal_state",
    "support_proposal_date",
    "support_proposed_by_id",
    "support_proposal_decision_date",
    "support_proposal_decided_by_id",
}


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "support.certification.input"]

    _support_certification_inputs = frozenset(
        {"is_support_technician", "parent_id", "active", "company_id", "support_firm_kind"}
    )

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

    # Certification of technicians (step 0), stored
    support_certified = fields.Boolean(
        string="Certified",
        readonly=True,
        copy=False,
        tracking=True,
        help="Currently certified to support the vendor's customers: every condition of "
        "certification holds today. Recomputed when an input changes and every night.",
    )
    # The failing conditions as language-neutral codes with their values
    # ([[code, {name: value}], ...]), rendered in the reader's language below.
    support_certification_reason_codes = fields.Json(string="Reasons (codes)", readonly=True, copy=False)
    support_certification_reasons = fields.Text(
        string="Why not certified",
        compute="_compute_support_certification_reasons",
        help="The conditions of certification that do not hold today.",
    )
    # An input of the status changed: the engine evaluates the partner again soon.
    support_certification_dirty = fields.Boolean(
        string="Certification to check", readonly=True, copy=False, index="btree_not_null"
    )
    support_certified_since = fields.Date(string="Certified since", readonly=True, copy=False)
    support_certification_checked_on = fields.Date(string="Certification checked on", readonly=True, copy=False)
    support_proposal_state = fields.Selection(
        PROPOSAL_STATES,
        string="Certification proposal",
        default="none",
        readonly=True,
        copy=False,
        tracking=True,
        help="The firm manager proposes the technician from the portal; a support manager "
        "approves or rejects the proposal.",
    )
    support_proposal_date = fields.Datetime(string="Proposed on", readonly=True, copy=False)
    support_proposed_by_id = fields.Many2one("res.users", string="Proposed by", readonly=True, copy=False)
    support_proposal_decision_date = fields.Datetime(string="Decided on", readonly=True, copy=False)
    support_proposal_decided_by_id = fields.Many2one(
        "res.users", string="Approved / rejected by", readonly=True, copy=False
    )

    # Firms
    support_cooperation_contract_ids = fields.One2many(
        "support.cooperation.contract",
        "firm_id",
        string="Cooperation contracts",
        groups="certified_support.group_support_user,certified_support.group_support_accountant",
    )

    # Figures behind the status (technicians and firms), computed on the fly
    support_active_installation_count = fields.Integer(
        string="Active installations",
        compute="_compute_support_network_figures",
        compute_sudo=True,
        help="Active installations of the vendor's products maintained by the firm.",
    )
    support_academy_last_date = fields.Datetime(
        string="Last academy session",
        compute="_compute_support_network_figures",
        compute_sudo=True,
        help="End of the last academy session the technician attended.",
    )
    support_rating_count = fields.Integer(
        string="Customer ratings",
        compute="_compute_support_network_figures",
        compute_sudo=True,
        help="Customers' ratings counted in the satisfaction score (same period).",
    )
    support_satisfaction = fields.Float(
        string="Satisfaction (%)",
        compute="_compute_support_network_figures",
        compute_sudo=True,
        digits=(16, 1),
        help=SATISFACTION_HELP,
    )
    support_has_cooperation_contract = fields.Boolean(
        string="Active cooperation contract",
        compute="_compute_support_network_figures",
        compute_sudo=True,
        help="The firm holds a cooperation contract with the vendor that is in force today.",
    )

    # Technicians are few among the partners: partial indexes keep their searches (by
    # firm, certified ones for assignment, the nightly run) off the whole table.
    _support_technician_firm_idx = models.Index("(commercial_partner_id) WHERE is_support_technician IS TRUE")
    _support_certified_idx = models.Index("(commercial_partner_id) WHERE support_certified IS TRUE")

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
        default), answered for the whole recordset with one query. It only reads (it is
        called while forms and pages are read): the nightly cron expires ended contracts.

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
                ("date_end", ">=", date),
            ],
            ["partner_id"],
            order="date_start desc, id desc",
        )
        covering = {}
        for contract in contracts:
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

    # ------------------------------------------------------------------
    # Certification of technicians (step 0)
    # ------------------------------------------------------------------

    @api.depends("support_certification_reason_codes")
    @api.depends_context("lang")
    def _compute_support_certification_reasons(self):
        engine = self.env["support.certification.engine"]
        for partner in self:
            partner.support_certification_reasons = (
                "\n".join(engine._explain(partner.support_certification_reason_codes)) or False
            )

    @api.depends_context("company")
    def _compute_support_network_figures(self):
        # Figures of the saved records (a form being edited shows those of its record).
        saved = self._origin.filtered("id")
        companies = saved.filtered("is_company")
        technicians = (saved - companies).filtered("is_support_technician")
        firms = companies.filtered("support_firm_kind")
        firm_technicians = (
            self.search(
                [
                    ("commercial_partner_id", "in", firms.ids),
                    ("is_support_technician", "=", True),
                    ("is_company", "=", False),
                ]
            )
            if firms
            else self.browse()
        )
        engine = self.env["support.certification.engine"]
        data = engine._collect(technicians | firm_technicians, self.env.company)
        firm_data = engine._collect_firms(saved.commercial_partner_id)
        ratings_by_firm = defaultdict(lambda: [0, 0])
        for technician in firm_technicians:
            ratings_by_firm[technician.commercial_partner_id][0] += data[technician]["ratings"]
            ratings_by_firm[technician.commercial_partner_id][1] += data[technician]["top"]
        for partner in self:
            origin = partner._origin
            firm = origin.commercial_partner_id
            if origin in technicians:
                total, top = data[origin]["ratings"], data[origin]["top"]
                partner.support_academy_last_date = data[origin]["academy_last"]
            else:
                total, top = ratings_by_firm[origin] if origin in firms else (0, 0)
                partner.support_academy_last_date = False
            partner.support_rating_count = total
            partner.support_satisfaction = top * 100.0 / total if total else 0.0
            partner.support_active_installation_count = firm_data["installations"].get(firm, 0) if origin else 0
            partner.support_has_cooperation_contract = bool(origin) and firm in firm_data["contracts"]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def write(self, vals):
        self._support_check_protected_fields(vals)
        return super().write(vals)

    def _support_certification_partners(self):
        """Technicians and firms: who is a technician of which firm is an input."""
        return self.filtered(lambda p: p.is_support_technician or p.support_firm_kind)

    def _support_check_protected_fields(self, vals):
        """The status is computed, the proposal follows its workflow: neither is edited.

        Writing a value a field already holds changes nothing and is let through: Odoo's
        own flows (the contact merge, imports of exported rows) write every stored field.
        """
        if self.env.su:
            return
        changed = self._support_changed_fields(vals, CERTIFICATION_FIELDS | PROPOSAL_FIELDS)
        if CERTIFICATION_FIELDS & changed:
            raise AccessError(self.env._("The certification status is computed; it cannot be edited."))
        if PROPOSAL_FIELDS & changed:
            raise AccessError(
                self.env._(
                    "Certification proposals follow their workflow: the firm proposes, a support manager decides."
                )
            )

    def _support_changed_fields(self, vals, names):
        """Which of the fields ``names`` written in ``vals`` would change a record of ``self``."""
        changed = set()
        for name in names & set(vals):
            field = self._fields[name]
            for partner in self:
                new = field.convert_to_record(field.convert_to_cache(vals[name], partner), partner)
                if new != partner[name]:
                    changed.add(name)
                    break
        return changed

    def _support_protected_values(self):
        """The certification status and proposal of this contact, as ``write`` takes them."""
        self.ensure_one()
        return self._convert_to_write({name: self[name] for name in CERTIFICATION_FIELDS | PROPOSAL_FIELDS})

    # ------------------------------------------------------------------
    # Actions (support manager)
    # ------------------------------------------------------------------

    def _support_check_manager(self):
        if not self.env.user.has_group("certified_support.group_support_manager"):
            raise AccessError(self.env._("Only a support manager decides on certification proposals."))

    def action_support_approve_certification(self):
        """The vendor approves the firm's proposal; refused while another condition fails."""
        self._support_check_manager()
        if any(partner.support_proposal_state != "proposed" for partner in self):
            raise UserError(self.env._("Only a proposed technician can be approved."))
        # The manager was checked above; the conditions read other firms' data.
        engine = self.env["support.certification.engine"]
        # sudo: the manager was checked above; the conditions read other firms' data
        results = engine._results(self.sudo(), skip_approval=True)
        failing = [
            self.env._(
                "%(technician)s: %(reasons)s",
                technician=partner.display_name,
                reasons="; ".join(engine._explain(results[partner])),
            )
            for partner in self
            if results[partner]
        ]
        if failing:
            raise UserError(
                self.env._(
                    "The proposal cannot be approved while conditions of certification fail:\n%(failing)s",
                    failing="\n".join(failing),
                )
            )
        self._support_decide_proposal("approved")
        return True

    def action_support_reject_certification(self):
        self._support_check_manager()
        if any(partner.support_proposal_state not in ("proposed", "approved") for partner in self):
            raise UserError(self.env._("Only a proposed or approved technician can be rejected."))
        self._support_decide_proposal("rejected")
        return True

    def _support_decide_proposal(self, state):
        # sudo: the caller checked the support manager's group; contacts may be read-only
        # for them, and the decision keeps their name (sudo keeps the user).
        self.sudo().write(
            {
                "support_proposal_state": state,
                "support_proposal_decision_date": fields.Datetime.now(),
                "support_proposal_decided_by_id": self.env.user.id,
            }
        )
        self._support_update_certification()

    def action_support_update_certification(self):
        """Check the conditions again now (button on the technician's form)."""
        self._support_update_certification()
        return True

    def action_view_support_cooperation_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("certified_support.support_cooperation_contract_action")
        action["domain"] = [("firm_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_firm_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------------
    # Proposal (firm manager, from the portal)
    # ------------------------------------------------------------------

    def _support_check_can_propose(self, user):
        """Why ``user`` may not propose these technicians now (translated), or None."""
        firm = user.partner_id.commercial_partner_id
        if not user.has_group("certified_support.group_support_firm_manager"):
            return self.env._("Only a firm manager can propose technicians.")
        for technician in self:
            if (
                not technician.is_support_technician
                or technician.commercial_partner_id != firm
                or technician.is_company
            ):
                return self.env._("You can propose only the technicians of your own firm.")
            if technician.support_proposal_state in ("proposed", "approved"):
                return self.env._("%(technician)s is already proposed or approved.", technician=technician.name)
        if firm.support_firm_kind == "it_firm" and not self.env[
            "support.cooperation.contract"
        ]._get_firms_with_active_contract(firm):
            return self.env._("An IT firm may propose technicians only while it holds an active cooperation contract.")
        return None

    def _support_propose_certification(self, user):
        """Record the firm manager's proposal; the caller checked ``_support_check_can_propose``."""
        self.write(
            {
                "support_proposal_state": "proposed",
                "support_proposal_date": fields.Datetime.now(),
                "support_proposed_by_id": user.id,
                "support_proposal_decision_date": False,
                "support_proposal_decided_by_id": False,
            }
        )
        for technician in self:
            technician.message_post(
                body=self.env._(
                    "%(manager)s proposed %(technician)s for certification.",
                    manager=user.name,
                    technician=technician.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._support_update_certification()

    # ------------------------------------------------------------------
    # Computation
    # ------------------------------------------------------------------

    def _support_certification_changed(self):
        """An input of the certification of these partners (technicians, or firms: all
        their technicians) changed: the one trigger of the engine."""
        self.env["support.certification.engine"]._mark_dirty(self)

    def _support_update_certification(self):
        """Evaluate these partners now and store their status (the manager's button,
        the proposal workflow, the benchmark)."""
        engine = self.env["support.certification.engine"]
        engine._run(engine._concerned(self))

    def _support_notify_certification_lost(self):
        """E-mail the firm managers and the account managers of the technician's scheduled
        meetings that the technician is no longer certified."""
        if not self:
            return
        # A system notice, triggered by whoever changed an input (a rating, an archived
        # installation): it must reach the firm's managers and the account managers.
        template = self.env.ref("certified_support.mail_template_certification_lost").sudo()
        manager_group = self.env.ref("certified_support.group_support_firm_manager")
        firm_managers = manager_group.sudo().all_user_ids.filtered(  # system notice, see above
            lambda u: u.partner_id.commercial_partner_id in self.commercial_partner_id
        )
        scheduled = (
            self.env["support.request"]
            # sudo: a system notice: the technician's scheduled requests, whoever changes the status
            .sudo()
            .search(  # system notice, see above
                [("technician_id", "in", self.ids), ("state", "=", "scheduled")]
            )
        )
        for technician in self:
            recipients = (
                firm_managers.filtered(
                    lambda u, technician=technician: u.partner_id.commercial_partner_id
                    == technician.commercial_partner_id
                ).partner_id
                | scheduled.filtered(lambda r, technician=technician: r.technician_id == technician).user_id.partner_id
            )
            for lang, partners in recipients.grouped(lambda p: p.lang or "en_US").items():
                template.with_context(lang=lang).send_mail(
                    technician.id,
                    email_values={"recipient_ids": [Command.set(partners.ids)]},
                )
