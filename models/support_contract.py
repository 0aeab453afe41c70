from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain


class SupportContract(models.Model):
    _name = "support.contract"
    _description = "ESTES Support Contract"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Number", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
        help="The customer company (commercial entity) covered by the contract.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        domain="[('share', '=', False)]",
        help="The customer's salesperson; informed of the customer's requests.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Service",
        required=True,
        check_company=True,
        domain="[('type', '=', 'service')]",
        default=lambda self: self.env.company.support_contract_product_id,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    price = fields.Monetary(
        string="Annual Price",
        compute="_compute_price",
        store=True,
        readonly=False,
        tracking=True,
    )
    date_start = fields.Date(string="Start Date", required=True, tracking=True)
    date_end = fields.Date(string="End Date", required=True, tracking=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    installation_ids = fields.Many2many(
        "support.installation",
        string="Installations",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
        help="The installations of the vendor's products this contract covers.",
    )
    note = fields.Html(string="Terms")
    renewed_from_id = fields.Many2one(
        "support.contract", string="Renewal of", readonly=True, copy=False, index="btree_not_null"
    )
    renewal_ids = fields.One2many("support.contract", "renewed_from_id", string="Renewals")

    _date_check = models.Constraint(
        "CHECK (date_end >= date_start)",
        "A contract cannot end before it starts.",
    )
    _price_check = models.Constraint(
        "CHECK (price >= 0)",
        "The annual price of a contract cannot be negative.",
    )
    _active_partner_idx = models.Index("(partner_id, date_end) WHERE state = 'active'")

    @api.depends("partner_id")
    def _compute_user_id(self):
        for contract in self:
            contract.user_id = contract.partner_id.user_id or contract.user_id

    @api.depends("product_id")
    def _compute_price(self):
        for contract in self:
            contract.price = contract.product_id.lst_price

    def _compute_access_url(self):  # pylint: disable=missing-return  # a compute returns nothing
        super()._compute_access_url()
        for contract in self:
            contract.access_url = f"/my/contracts/{contract.id}"

    @api.constrains("partner_id")
    def _check_partner_is_commercial(self):
        for contract in self:
            if contract.partner_id != contract.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "The contract must be made with the customer company %(company)s, "
                        "not with its contact %(contact)s.",
                        company=contract.partner_id.commercial_partner_id.display_name,
                        contact=contract.partner_id.display_name,
                    )
                )

    @api.constrains("state", "date_start", "date_end", "partner_id")
    def _check_no_overlap(self):
        active = self.filtered(lambda c: c.state == "active")
        if not active:
            return
        others = self.search(
            [
                ("id", "not in", active.ids),
                ("state", "=", "active"),
                ("partner_id", "in", active.partner_id.ids),
            ]
        ) | active
        for contract in active:
            clash = others.filtered(
                lambda o, contract=contract: o != contract
                and o.partner_id == contract.partner_id
                and o.date_start <= contract.date_end
                and o.date_end >= contract.date_start
            )[:1]
            if clash:
                raise ValidationError(
                    self.env._(
                        "%(customer)s already has the active contract %(other)s from "
                        "%(start)s to %(end)s, which overlaps %(contract)s. End or cancel "
                        "it first.",
                        customer=contract.partner_id.display_name,
                        other=clash.name,
                        start=clash.date_start,
                        end=clash.date_end,
                        contract=contract.name,
                    )
                )

    @api.onchange("date_start")
    def _onchange_date_start(self):
        if self.date_start and not self.date_end:
            self.date_end = self.date_start + relativedelta(years=1, days=-1)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"]._support_next(
                    "support.contract", self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                ) or "/"
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(contract.state not in ("draft", "cancelled") for contract in self):
            raise UserError(
                self.env._(
                    "Only draft or cancelled contracts can be deleted; an active or expired "
                    "contract is part of the customer's history."
                )
            )

    def action_activate(self):
        if any(contract.state != "draft" for contract in self):
            raise UserError(self.env._("Only draft contracts can be activated."))
        today = fields.Date.context_today(self)
        if any(contract.date_end < today for contract in self):
            raise UserError(self.env._("A contract that has already ended cannot be activated."))
        self.state = "active"
        self.env["support.request"]._on_contracts_activated(self.partner_id)
        return True

    def action_cancel(self):
        if any(contract.state not in ("draft", "active") for contract in self):
            raise UserError(self.env._("Only draft or active contracts can be cancelled."))
        self.state = "cancelled"
        return True

    def action_draft(self):
        if any(contract.state != "cancelled" for contract in self):
            raise UserError(self.env._("Only cancelled contracts can be set back to draft."))
        self.state = "draft"
        return True

    def action_renew(self):
        """Draft next year's contract for each contract, right after it ends."""
        if any(contract.state not in ("active", "expired") for contract in self):
            raise UserError(self.env._("Only active or expired contracts can be renewed."))
        renewed = self.filtered(lambda c: c.renewal_ids.filtered(lambda r: r.state != "cancelled"))
        if renewed:
            raise UserError(
                self.env._(
                    "%(contracts)s already has a renewal.",
                    contracts=", ".join(renewed.mapped("name")),
                )
            )
        renewals = self._create_renewals()
        if len(renewals) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "support.contract",
                "res_id": renewals.id,
                "view_mode": "form",
            }
        return {
            "type": "ir.actions.act_window",
            "res_model": "support.contract",
            "name": self.env._("Renewals"),
            "domain": [("id", "in", renewals.ids)],
            "view_mode": "list,form",
        }

    def action_view_renewals(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "support.contract",
            "name": self.env._("Renewals"),
            "domain": [("renewed_from_id", "=", self.id)],
            "view_mode": "list,form",
        }

    def _create_renewals(self):
        renewals = self.create(
            [
                {
                    "partner_id": contract.partner_id.id,
                    "company_id": contract.company_id.id,
                    "user_id": contract.user_id.id,
                    "product_id": contract.product_id.id,
                    "price": contract.product_id.lst_price or contract.price,
                    "date_start": contract.date_end + relativedelta(days=1),
                    "date_end": contract.date_end + relativedelta(years=1),
                    "installation_ids": [fields.Command.set(contract.installation_ids.ids)],
                    "note": contract.note,
                    "renewed_from_id": contract.id,
                }
                for contract in self
            ]
        )
        for renewal in renewals:
            renewal.message_post_with_source(
                "mail.message_origin_link",
                render_values={"self": renewal, "origin": renewal.renewed_from_id},
                subtype_xmlid="mail.mt_note",
            )
        return renewals

    @api.model
    def _active_on_domain(self, date):
        return Domain([("state", "=", "active"), ("date_start", "<=", date), ("date_end", ">=", date)])

    def _expire(self):
        # A system transition, not an edit by the caller: the gate runs it for
        # portal customers too, who may read but never write contracts.
        self.sudo().state = "expired"

    @api.model
    def _cron_expire(self):
        today = fields.Date.context_today(self)
        self.search([("state", "=", "active"), ("date_end", "<", today)])._expire()

    @api.model
    def _cron_draft_renewals(self):
        """Draft the renewal of every active contract ending soon, once, and give its
        account manager an activity to agree it with the customer."""
        today = fields.Date.context_today(self)
        expiring = self.browse()
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all  # each company
            horizon = today + relativedelta(days=company.support_contract_renewal_days)
            expiring |= self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                    ("date_end", ">=", today),
                    ("date_end", "<=", horizon),
                    ("renewal_ids", "=", False),
                ]
            )
        renewals = expiring._create_renewals()
        for renewal in renewals:
            renewal.activity_schedule(
                "certified_support.mail_activity_contract_renewal",
                date_deadline=renewal.renewed_from_id.date_end,
                user_id=renewal.user_id.id or self.env.uid,
            )
        return renewals

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("ESTES %s", self.name)
