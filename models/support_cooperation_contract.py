from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain


class SupportCooperationContract(models.Model):
    """The cooperation contract between the vendor and an IT firm (step 0).

    An IT firm may propose technicians for certification, and its technicians stay
    certified, only while it holds a contract that is active today.
    """

    _name = "support.cooperation.contract"
    _description = "Cooperation Contract with a Partner Firm"
    _inherit = ["support.document", "support.certification.input"]
    _order = "date_start desc, id desc"

    _support_certification_inputs = frozenset({"state", "firm_id", "date_start", "date_end"})

    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    firm_id = fields.Many2one(
        "res.partner",
        string="IT firm",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('support_firm_kind', '=', 'it_firm')]",
        help="The IT firm (a company) that cooperates with the vendor under this contract.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
        help="The vendor's person in charge of the relationship with the firm.",
    )
    date_start = fields.Date(string="Start Date", required=True, tracking=True)
    date_end = fields.Date(string="End Date", tracking=True, help="Leave empty for a contract of indefinite duration.")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("terminated", "Terminated"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    document = fields.Binary(
        string="Signed contract",
        attachment=True,
        copy=False,
        help="The scan of the contract signed by both parties.",
    )
    document_name = fields.Char(string="File name", copy=False)
    note = fields.Html(string="Terms")
    date_terminated = fields.Date(string="Terminated on", readonly=True, copy=False, tracking=True)

    _date_check = models.Constraint(
        "CHECK (date_end IS NULL OR date_end >= date_start)",
        "A cooperation contract cannot end before it starts.",
    )
    _active_firm_idx = models.Index("(firm_id, date_start) WHERE state = 'active'")

    @api.constrains("firm_id")
    def _check_firm(self):
        for contract in self:
            if contract.firm_id.support_firm_kind != "it_firm" or not contract.firm_id.is_company:
                raise ValidationError(
                    self.env._(
                        "%(firm)s is not an IT firm: cooperation contracts are made with IT firms.",
                        firm=contract.firm_id.display_name,
                    )
                )

    @api.constrains("state", "firm_id", "date_start", "date_end")
    def _check_one_active_per_firm(self):
        active = self.filtered(lambda c: c.state == "active")
        if not active:
            return
        others = self.search_fetch(
            [("firm_id", "in", active.firm_id.ids), ("state", "=", "active"), ("id", "not in", active.ids)],
            ["firm_id"],
        )
        for firm, contracts in (active | others).grouped("firm_id").items():
            if len(contracts) > 1:
                raise ValidationError(
                    self.env._("%(firm)s already has an active cooperation contract.", firm=firm.display_name)
                )

    def _support_certification_partners(self):
        """An IT firm's technicians are certified only while its contract is in force."""
        return self.filtered(lambda c: c.state == "active").firm_id

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(self.env._("Only draft cooperation contracts can be deleted; terminate the others."))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_activate(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(self.env._("Only a draft cooperation contract can be activated."))
        today = fields.Date.context_today(self)
        if any(contract.date_end and contract.date_end < today for contract in self):
            raise UserError(self.env._("A cooperation contract that has already ended cannot be activated."))
        self.write({"state": "active"})
        return True

    def action_terminate(self):
        if any(contract.state != "active" for contract in self):
            raise UserError(self.env._("Only an active cooperation contract can be terminated."))
        self.write({"state": "terminated", "date_terminated": fields.Date.context_today(self)})
        return True

    def action_draft(self):
        if any(contract.state not in ("terminated", "expired") for contract in self):
            raise UserError(self.env._("Only a terminated or expired cooperation contract can be set back to draft."))
        self.write({"state": "draft", "date_terminated": False})
        return True

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------

    @api.model
    def _active_on_domain(self, date):
        """Contracts in force on ``date``: active, started, not ended."""
        return (
            Domain("state", "=", "active")
            & Domain("date_start", "<=", date)
            & (Domain("date_end", "=", False) | Domain("date_end", ">=", date))
        )

    @api.model
    def _get_firms_with_active_contract(self, firms, date=None):
        """The subset of ``firms`` that hold a cooperation contract in force on ``date``."""
        date = date or fields.Date.context_today(self)
        groups = self.sudo()._read_group(  # a status question, asked for any user
            Domain("firm_id", "in", firms.ids) & self._active_on_domain(date), ["firm_id"]
        )
        holders = self.env["res.partner"].browse([firm.id for (firm,) in groups])
        return firms & holders

    @api.model
    def _cron_expire(self):
        """Active contracts past their end date become expired (the firm's technicians lose
        the condition; the nightly certification run uses the dates anyway)."""
        ended = self.search(
            [("state", "=", "active"), ("date_end", "!=", False), ("date_end", "<", fields.Date.context_today(self))]
        )
        ended.write({"state": "expired"})
        return ended
