from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools.misc import format_date

# The customer is told this many days before the contract ends how to renew it.
EXPIRY_NOTICE_DAYS = 30


class SupportContract(models.Model):
    _name = "support.contract"
    _description = "ESTES Support Contract"
    _inherit = ["portal.mixin", "support.document"]
    _order = "date_start desc, id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
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

    # The ESTES fee: the vendor's customer invoice of the contract (see DEVELOPERS.md)
    invoice_ids = fields.One2many(
        "account.move",
        "support_contract_id",
        string="Invoices",
        readonly=True,
        groups="account.group_account_invoice",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count", groups="account.group_account_invoice")
    fee_state = fields.Selection(
        [
            ("no", "Not invoiced"),
            ("draft", "Invoice to post"),
            ("unpaid", "Unpaid"),
            ("paid", "Paid"),
        ],
        string="Fee",
        compute="_compute_fee_state",
        store=True,
        index=True,
        help="Whether the contract's fee is invoiced and paid: paid once every invoice of the "
        "contract is paid or in payment.",
    )
    expiry_notice_sent_on = fields.Date(
        string="Expiry notice sent on",
        readonly=True,
        copy=False,
        help="When the customer was told the contract ends soon and how to renew it (once per contract).",
    )

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

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for contract in self:
            contract.invoice_count = len(contract.invoice_ids)

    @api.depends("invoice_ids.state", "invoice_ids.payment_state", "invoice_ids.move_type")
    def _compute_fee_state(self):
        for contract in self:
            invoices = contract.invoice_ids._support_live_fee_invoices()
            if not invoices:
                contract.fee_state = "no"
            elif any(move.state == "draft" for move in invoices):
                contract.fee_state = "draft"
            elif all(move.payment_state in ("in_payment", "paid") for move in invoices):
                contract.fee_state = "paid"
            else:
                contract.fee_state = "unpaid"

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
        others = (
            self.search(
                [
                    ("id", "not in", active.ids),
                    ("state", "=", "active"),
                    ("partner_id", "in", active.partner_id.ids),
                ]
            )
            | active
        )
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
        self.filtered("company_id.support_contract_invoice_on_activation")._create_fee_invoices()
        return True

    def action_create_fee_invoice(self):
        """The accountant's button: the fee invoice of contracts that have none yet."""
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only accountants create the invoices of ESTES fees."))
        if any(contract.state not in ("active", "expired") for contract in self):
            raise UserError(self.env._("Only the fee of an active or expired contract is invoiced."))
        invoiced = self.filtered(lambda c: c.fee_state != "no")
        if invoiced:
            raise UserError(self.env._("%s already has its fee invoice.", ", ".join(invoiced.mapped("name"))))
        invoices = self._create_fee_invoices()
        return invoices._get_records_action(name=self.env._("Invoices"))

    def action_view_invoices(self):
        self.ensure_one()
        return self.invoice_ids._get_records_action(
            name=self.env._("Invoices"),
            context={
                "default_move_type": "out_invoice",
                "default_support_contract_id": self.id,
                "default_partner_id": self.partner_id.id,
            },
        )

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
        return self._create_renewals()._get_records_action(name=self.env._("Renewals"))

    def action_view_renewals(self):
        self.ensure_one()
        return self.renewal_ids._get_records_action(name=self.env._("Renewals"))

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

    # ------------------------------------------------------------------
    # The ESTES fee
    # ------------------------------------------------------------------

    def _create_fee_invoices(self):
        """A draft customer invoice of the annual fee for each contract that has no live
        invoice yet (none created, none linked by the accountant): the accountant checks and
        posts it, which sends it to myDATA. Idempotent, and a unique index on
        account.move(support_contract_id) refuses a second one under concurrency."""
        # The fee state of contracts invoiced by a concurrent transaction is in the database.
        self.env["account.move"].flush_model(["state", "support_contract_id", "move_type"])
        self.invalidate_recordset(["fee_state"])
        to_invoice = self.filtered(lambda c: c.fee_state == "no" and c.price > 0)
        # A company without accounting here (no sales journal) invoices in its own system.
        journals = (
            self.env["account.journal"]
            # sudo: any sales journal counts, whoever activates
            .sudo()
            ._read_group(  # sudo: any journal counts, whoever activates
                [("type", "=", "sale"), ("company_id", "in", to_invoice.company_id.ids)], ["company_id"]
            )
        )
        with_journal = {company for (company,) in journals}
        for contract in to_invoice.filtered(lambda c: c.company_id not in with_journal):
            contract.sudo().message_post(  # sudo: as above, whoever activates or invoices
                body=self.env._("The fee is not invoiced here: %s has no sales journal.", contract.company_id.name),
                subtype_xmlid="mail.mt_note",
            )
        to_invoice = to_invoice.filtered(lambda c: c.company_id in with_journal)
        if not to_invoice:
            return self.env["account.move"]
        # sudo: the support user who activates the contract agreed its fee; the invoice is a
        # draft in the contract's company that only accountants post (it is not theirs to edit).
        contracts = to_invoice.sudo()
        moves = (
            self.env["account.move"]
            # sudo: a draft invoice in the contract's company, posted by accountants only
            .sudo()
            .with_context(allowed_company_ids=contracts.company_id.ids + self.env.companies.ids)
            .create([contract._prepare_fee_invoice_vals() for contract in contracts])
        )
        for contract, move in zip(to_invoice, moves, strict=True):
            # sudo: accountants may invoice contracts they only read; the note is authored by them.
            contract.sudo().message_post(
                body=self.env._("Fee invoice %s drafted for the accountant.", move._get_html_link()),
                subtype_xmlid="mail.mt_note",
            )
        # back to the caller's rights: the invoices are returned to be shown, not edited as superuser
        return moves.sudo(False)

    def _prepare_fee_invoice_vals(self):
        self.ensure_one()
        return self.env["account.move"]._support_service_invoice_vals(
            self.company_id,
            self.partner_id,
            [(self.product_id, {"name": self._fee_invoice_label(), "quantity": 1.0, "price_unit": self.price})],
            currency_id=self.currency_id.id,
            invoice_user_id=self.user_id.id,
            invoice_origin=self.name,
            support_contract_id=self.id,
        )

    def _fee_invoice_label(self):
        """'ESTES <number> <start>–<end>' in the customer's language and date format."""
        self.ensure_one()
        lang = self.partner_id.lang or self.env.lang
        env = self.with_context(lang=lang).env
        return env._(
            "ESTES %(number)s %(start)s–%(end)s",
            number=self.name,
            start=format_date(env, self.date_start, lang_code=lang),
            end=format_date(env, self.date_end, lang_code=lang),
        )

    @api.model
    def _cron_fee_unpaid(self):
        """An activity for the account manager of each contract whose posted fee invoice is
        still unpaid after its due date (once: not while one is open); the contract stays
        active. The activities of contracts paid since are marked done."""
        # sudo: the daily job covers the invoices and contracts of every company, whichever
        # companies the cron's user belongs to.
        self = self.sudo()
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("certified_support.mail_activity_contract_fee_unpaid")
        overdue = self.env["account.move"]._read_group(
            [
                ("support_contract_id", "!=", False),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", today),
            ],
            ["support_contract_id"],
            ["invoice_date_due:min"],
        )
        due_by_contract = {contract: due for contract, due in overdue if contract.state != "cancelled"}
        open_activities = self.env["mail.activity"].search_fetch(
            [("res_model", "=", self._name), ("activity_type_id", "=", activity_type.id)], ["res_id"]
        )
        reminded = set(open_activities.mapped("res_id"))
        contracts = self.browse([c.id for c in due_by_contract if c.id not in reminded])
        # No e-mail per activity (a daily cron over many contracts): the account managers
        # find them in their activities, grouped by contract.
        for user, group in contracts.with_context(mail_activity_quick_update=True).grouped("user_id").items():
            group.activity_schedule(
                "certified_support.mail_activity_contract_fee_unpaid",
                date_deadline=today,
                user_id=user.id or self.env.uid,
            )
        settled = self.browse(reminded) - self.browse([c.id for c in due_by_contract])
        settled = settled.filtered(lambda c: c.fee_state == "paid")
        if settled:
            settled.activity_feedback(
                ["certified_support.mail_activity_contract_fee_unpaid"],
                feedback=self.env._("The fee is paid."),
            )
        return contracts

    # ------------------------------------------------------------------
    # The expiry notice (30 days before the end, how to renew)
    # ------------------------------------------------------------------

    @api.model
    def _cron_send_expiry_notices(self):
        """Tell each customer once, 30 days before its contract ends, how to renew it; not
        when the contract is already renewed (its renewal is active)."""
        # sudo: the daily job covers the contracts of every company, whichever companies the
        # cron's user belongs to.
        self = self.sudo()
        today = fields.Date.context_today(self)
        contracts = self.search(
            Domain(
                [
                    ("state", "=", "active"),
                    ("expiry_notice_sent_on", "=", False),
                    ("date_end", ">=", today),
                    ("date_end", "<=", today + relativedelta(days=EXPIRY_NOTICE_DAYS)),
                ]
            )
            & Domain("renewal_ids", "not any", [("state", "=", "active")])
        )
        contracts.expiry_notice_sent_on = today
        template = self.env.ref("certified_support.mail_template_contract_expiry")
        for contract in contracts:
            contract._portal_ensure_token()  # the letter links to the contract's page
        # A letter to the customer only: the followers (the account manager) are not sent the
        # customer's link.
        contracts.message_post_with_source(
            template,
            email_layout_xmlid="mail.mail_notification_light",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            notify_skip_followers=True,
        )
        return contracts

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
