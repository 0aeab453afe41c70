from collections import Counter

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

from ..input_bounds import DESCRIPTION_MAX_LENGTH, LONG_TEXT_MAX_LENGTH, check_date_window

OPEN_STATES = ("new", "waiting_contract", "to_schedule", "scheduled", "in_progress")


class SupportRequest(models.Model):
    _name = "support.request"
    _description = "RV Request"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin", "support.input.guard"]
    _order = "id desc"
    _check_company_auto = True
    # Whoever may read the request may write in its conversation and attach files to it
    # (as on project tasks and invoices): the customer, the assigned technician, the firm's
    # manager and the vendor's staff, as the record rules say; nobody else.
    _mail_post_access = "read"

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index="trigram")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        # indexed by _partner_state_idx (partner_id, id DESC), which serves the portal list too
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        check_company=True,
        domain="[('is_company', '=', True)]",
        help="The customer company (commercial entity).",
    )
    contact_id = fields.Many2one(
        "res.partner",
        string="Contact person",
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    contact_phone = fields.Char(related="contact_id.phone", string="Contact phone")
    channel = fields.Selection(
        [("portal", "Portal"), ("phone", "Phone")], required=True, default="phone", readonly=True
    )
    fault_id = fields.Many2one(
        "support.fault",
        string="Fault",
        required=True,
        tracking=True,
        check_company=True,
        readonly=True,
    )
    description = fields.Text(string="Customer's description")
    desired_date_from = fields.Date(string="Available from")
    desired_date_to = fields.Date(string="Available until")
    location = fields.Selection(
        [("onsite", "On site"), ("remote", "Remote")], required=True, default="remote", tracking=True
    )
    installation_id = fields.Many2one(
        "support.installation",
        string="Installation",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Account Manager",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        tracking=True,
        index=True,
        domain="[('share', '=', False)]",
    )
    technician_id = fields.Many2one(
        "res.partner",
        string="Technician",
        tracking=True,
        index="btree_not_null",
        domain="[('is_support_technician', '=', True)]",
    )
    firm_id = fields.Many2one(
        "res.partner",
        string="Partner firm",
        compute="_compute_firm_id",
        store=True,
        index="btree_not_null",
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("waiting_contract", "Waiting for contract"),
            ("to_schedule", "To schedule"),
            ("scheduled", "Scheduled"),
            ("in_progress", "In progress"),
            ("done", "Done (A1 filed)"),
            ("closed", "Closed"),
            ("refused", "Refused"),
            ("cancelled", "Cancelled"),
        ],
        default="new",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    lead_id = fields.Many2one("crm.lead", string="ESTES opportunity", readonly=True, copy=False)
    contract_id = fields.Many2one(
        "support.contract",
        string="ESTES contract",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The ESTES contract that covered the customer when the request passed the contract "
        "gate: the evidence of the gate's decision.",
    )
    acceptance_ids = fields.One2many("support.acceptance", "request_id", string="Cost acceptances")
    extra_ids = fields.One2many("support.request.extra", "request_id", string="Extra actions")
    event_id = fields.Many2one("calendar.event", string="Meeting", readonly=True, copy=False)
    meeting_start = fields.Datetime(
        related="event_id.start", string="Meeting time", store=True, help="When the meeting starts."
    )
    meeting_address = fields.Char(string="Meeting address")
    amount_accepted = fields.Monetary(
        string="Accepted amount",
        compute="_compute_amount_accepted",
        store=True,
        help="The total (VAT included) of the valid cost acceptances: the request and its accepted extra actions.",
    )
    submission_token = fields.Char(copy=False, readonly=True)
    cancel_reason = fields.Text(readonly=True, copy=False)
    a1_form_ids = fields.One2many("support.a1.form", "request_id", string="A1 Forms")
    a1_form_count = fields.Integer(string="A1 Form count", compute="_compute_a1_form_count")

    _submission_uniq = models.Constraint(
        "UNIQUE (partner_id, submission_token)",
        "This request form has already been submitted.",
    )
    _partner_state_idx = models.Index("(partner_id, id DESC)")
    _support_text_max_lengths = {
        "description": DESCRIPTION_MAX_LENGTH,
        "cancel_reason": LONG_TEXT_MAX_LENGTH,
    }

    @api.depends("partner_id")
    def _compute_user_id(self):
        for request in self:
            request.user_id = request.partner_id.user_id or request.user_id

    @api.depends("technician_id")
    def _compute_firm_id(self):
        for request in self:
            request.firm_id = request.technician_id.commercial_partner_id

    @api.depends("acceptance_ids.state", "acceptance_ids.amount_total")
    def _compute_amount_accepted(self):
        for request in self:
            request.amount_accepted = sum(
                request.acceptance_ids.filtered(lambda a: a.state == "valid").mapped("amount_total")
            )

    @api.depends("a1_form_ids")
    def _compute_a1_form_count(self):
        for request in self:
            request.a1_form_count = len(request.a1_form_ids)

    def _compute_access_url(self):  # pylint: disable=missing-return  # a compute returns nothing
        super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/support/{request.id}"

    @api.constrains("desired_date_from", "desired_date_to")
    def _check_desired_dates(self):
        check_date_window(self, "desired_date_from", "desired_date_to")

    @api.constrains("partner_id", "contact_id")
    def _check_partner(self):
        for request in self:
            if request.partner_id != request.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._("A request is made for the customer company, not for one of its contacts.")
                )
            if request.contact_id and request.contact_id.commercial_partner_id != request.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(customer)s.",
                        contact=request.contact_id.display_name,
                        customer=request.partner_id.display_name,
                    )
                )

    @api.constrains("technician_id")
    def _check_technician(self):
        allowed = self._get_allowed_technicians() if self.technician_id else self.env["res.partner"]
        for request in self.filtered("technician_id"):
            if request.technician_id not in allowed:
                raise ValidationError(
                    self.env._(
                        "%(technician)s is not a technician of a partner firm with access to the partner section.",
                        technician=request.technician_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"]._support_next(
                        "support.request", self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                    )
                    or "/"
                )
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_never_with_acceptance(self):
        if self.acceptance_ids:
            raise UserError(
                self.env._("A request whose cost the customer accepted cannot be deleted; cancel it instead.")
            )

    # ------------------------------------------------------------------
    # Registration (steps 2 to 4)
    # ------------------------------------------------------------------

    def _prepare_acceptance_values(
        self, accepted_by, channel, ip_address=None, kind="request", lines=None, accepted_on=None
    ):
        """Freeze what the customer accepts: each action line with its price, and the totals."""
        self.ensure_one()
        lines = lines if lines is not None else self.fault_id.line_ids
        line_values = [
            Command.create(
                {
                    "sequence": index,
                    "product_id": line.product_id.id,
                    "name": line.name,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "tax_ids": [Command.set(line.tax_ids.ids)],
                    "price_subtotal": line.price_subtotal,
                    "price_total": line.price_total,
                }
            )
            for index, line in enumerate(lines)
        ]
        amount_untaxed = sum(lines.mapped("price_subtotal"))
        amount_total = sum(lines.mapped("price_total"))
        return {
            "request_id": self.id,
            "kind": kind,
            "accepted_by_id": accepted_by.id,
            "user_id": self.env.user.id,
            "channel": channel,
            "accepted_on": accepted_on or fields.Datetime.now(),
            "ip_address": ip_address,
            "fault_id": self.fault_id.id if kind == "request" else False,
            "description": self.fault_id.display_name if kind == "request" else ", ".join(lines.mapped("name")),
            "currency_id": self.currency_id.id,
            "amount_untaxed": amount_untaxed,
            "amount_tax": amount_total - amount_untaxed,
            "amount_total": amount_total,
            "line_ids": line_values,
        }

    def _register_request(self, accepted_by, ip_address=None, accepted_on=None):
        """Registering the request is accepting the fault's cost (step 4).

        Stores the acceptance (``accepted_on``: when the customer accepted, e.g. the time
        of the call; now by default), tells the account manager and applies the gate.
        """
        self.env["support.acceptance"]._record(
            [
                request._prepare_acceptance_values(accepted_by, request.channel, ip_address, accepted_on=accepted_on)
                for request in self
            ]
        )
        for request in self:
            request.message_subscribe(partner_ids=(request.contact_id | request.user_id.partner_id).ids)
        self._apply_contract_gate()
        self._notify_account_manager()

    def _notify_account_manager(self):
        """An e-mail, whatever the account manager's notification preference (step 4)."""
        # Portal customers register requests too: they may not read mail templates.
        template = self.env.ref("certified_support.mail_template_request_registered").sudo()
        template.send_mail_batch(self.filtered("user_id").ids)

    def _apply_contract_gate(self):
        """Step 2: with an active ESTES the request goes on, otherwise it waits for sales."""
        pending = self.filtered(lambda r: r.state in ("new", "waiting_contract"))
        covering = pending.partner_id._get_support_covering_contracts()
        covered = pending.filtered(lambda r: r.partner_id.commercial_partner_id.id in covering)
        for contract, requests in covered.grouped(lambda r: covering[r.partner_id.commercial_partner_id.id]).items():
            requests.contract_id = contract
        covered._set_to_schedule()
        (pending - covered)._wait_for_contract()

    def _get_allowed_technicians(self):
        """Who may be assigned: technicians of partner firms with a portal user in the
        technician group (the partner-network rules narrow this to certified ones)."""
        group = self.env.ref("certified_support.group_support_technician")
        return group.all_user_ids.partner_id.filtered("is_support_technician")

    def _set_to_schedule(self):
        self.write({"state": "to_schedule"})
        # Without an account manager: the staff member on the phone, or (from the portal) the admin.
        fallback = self.env.ref("base.user_admin") if self.env.user.share else self.env.user
        users_and_notes = []
        for request in self:
            user = request.user_id or fallback
            users_and_notes.append(
                (
                    user,
                    request.with_context(lang=user.lang).env._(  # the assignee's language
                        "Agree the day and hour of the meeting with %(customer)s.",
                        customer=(request.contact_id or request.partner_id).display_name,
                    ),
                )
            )
        self._support_schedule_activities("certified_support.mail_activity_to_schedule", users_and_notes)

    def _support_schedule_activities(self, act_type_xmlid, users_and_notes):
        """``activity_schedule`` for a batch whose records each get their own user and
        plain-text note (``users_and_notes``, in the order of ``self``), in one INSERT.

        The escalation cron schedules one activity per request for up to 100,000 requests,
        and ``mail.activity.create`` costs about 0.25 ms per activity there, so the rows are
        inserted with SQL and what ``create`` does besides is done here for the whole batch:
        the notes are escaped and the assigned users' activity
        counters are told on the bus. The callers make the users follow the records (the
        account manager follows a request from its registration, or from becoming its
        account manager) and send them an e-mail: no "assigned to you" notice either (as
        with ``mail_activity_quick_update``)."""
        Activity = self.env["mail.activity"]
        if not self:
            return Activity
        activity_type = self.env["mail.activity.type"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(act_type_xmlid)
        )
        users = [user for user, _note in users_and_notes]
        self.env["res.users"].union(*users).fetch(["tz", "lang"])
        # the type's summary in each assignee's language, as their note
        summaries = {
            lang: activity_type.with_context(lang=lang).summary or None for lang in {user.lang for user in users}
        }
        Activity.flush_model()
        self.env.cr.execute(
            SQL(
                """INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id,
                                          summary, note, date_deadline, user_id, user_tz, automated, active,
                                          create_uid, create_date, write_uid, write_date)
               SELECT %(model_id)s, %(model)s, rows.res_id, rows.res_name, %(type_id)s,
                      rows.summary, rows.note, %(today)s, rows.user_id, rows.user_tz, TRUE, TRUE,
                      %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM unnest(%(res_ids)s::int[], %(res_names)s::varchar[], %(summaries)s::varchar[],
                             %(notes)s::text[], %(user_ids)s::int[], %(user_tzs)s::varchar[])
                      AS rows(res_id, res_name, summary, note, user_id, user_tz)
            RETURNING id""",
                model_id=self.env["ir.model"]._get_id(self._name),
                model=self._name,
                type_id=activity_type.id,
                summaries=[summaries[user.lang] for user in users],
                today=fields.Date.context_today(self),
                uid=self.env.uid,
                now=fields.Datetime.now(),
                res_ids=self.ids,
                res_names=self.mapped("name"),  # a request's display name is its number
                notes=[str(Markup("<p>%s</p>") % note) for _user, note in users_and_notes],
                user_ids=[user.id for user in users],
                user_tzs=[user.tz or None for user in users],
            )
        )
        activities = Activity.browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_recordset(["activity_ids"])
        for user, count in Counter(users).items():
            user._bus_send("mail.activity/updated", {"activity_created": True, "count_diff": count})
        return activities

    def _wait_for_contract(self):
        """Step 3: the sales team gets (or keeps) an "ESTES activation" opportunity."""
        self.write({"state": "waiting_contract"})
        Lead = self.env["crm.lead"].sudo()  # the customer's request opens a sales opportunity
        open_leads = Lead._support_open_estes_leads(self.partner_id)
        for partner, requests in self.grouped("partner_id").items():
            lead = open_leads.get(partner) or Lead._support_estes_activation_lead(
                partner, requests[0].user_id, requests[0].company_id
            )
            requests.lead_id = lead
            lead.message_post(
                body=self.env._(
                    "Support requests waiting for an ESTES contract: %s", ", ".join(requests.mapped("name"))
                ),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _on_contracts_activated(self, partners):
        """Step 3 → 4: the requests waiting for these customers' contract go on by themselves."""
        waiting = self.sudo().search(  # contract activation by staff releases every waiting request
            [("partner_id", "in", partners.ids), ("state", "=", "waiting_contract")]
        )
        waiting._apply_contract_gate()
        # The sales team's "ESTES activation" opportunities of these customers reached
        # their goal: won, not left open (sudo: support staff activate contracts without
        # being salespeople).
        Lead = self.env["crm.lead"].sudo()
        Lead.concat(*Lead._support_open_estes_leads(partners).values()).action_set_won()
        return waiting

    def _refuse_without_contract(self):
        """The sales team could not activate an ESTES: tell the customer in writing. The
        accepted costs are cancelled: a refused request is not money to expect."""
        self.acceptance_ids.filtered(lambda a: a.state == "valid")._cancel(
            self.env._("Refused: the customer holds no active ESTES support contract.")
        )
        self.write({"state": "refused"})
        template = self.env.ref("certified_support.mail_template_request_refused")
        for request in self:
            request.message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                partner_ids=(request.contact_id or request.partner_id).ids,
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_start(self):
        if any(request.state != "scheduled" for request in self):
            raise UserError(self.env._("Only a scheduled request can start."))
        self.state = "in_progress"
        return True

    def action_open_schedule(self):
        self.ensure_one()
        if self.state not in ("to_schedule", "scheduled"):
            raise UserError(self.env._("Only a request to schedule can be scheduled."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Schedule the meeting"),
            "res_model": "support.request.schedule",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_open_cancel(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel the request"),
            "res_model": "support.request.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_ids": self.ids},
        }

    def _cancel(self, reason):
        if any(request.state in ("done", "closed", "cancelled") for request in self):
            raise UserError(self.env._("A request with a filed A1 Form, closed or cancelled cannot be cancelled."))
        self.acceptance_ids.filtered(lambda a: a.state == "valid")._cancel(reason)
        self.extra_ids.filtered(lambda e: e.state == "proposed")._refuse()
        self.event_id.sudo().unlink()  # the meeting goes with the request; attendees are told by calendar
        self.write({"state": "cancelled", "cancel_reason": reason})
        self.activity_unlink(["certified_support.mail_activity_to_schedule"])

    def action_view_lead(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
        }

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("RV request %s", self.name)

    # ------------------------------------------------------------------
    # A1 Form (step 7)
    # ------------------------------------------------------------------

    def action_view_a1_forms(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("certified_support.support_a1_form_action")
        action["domain"] = [("request_id", "=", self.id)]
        action["context"] = {"default_request_id": self.id}
        return action

    def _get_a1_accepted_products(self):
        """The actions the customer accepted: the request's and the accepted extra actions'."""
        return self.acceptance_ids.filtered(lambda a: a.state == "valid").line_ids.product_id

    def _prepare_a1_line_commands(self):
        self.ensure_one()
        return [
            Command.create(
                {
                    "sequence": index,
                    "product_id": line.product_id.id,
                    "name": line.name,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "tax_ids": [Command.set(line.tax_ids.ids)],
                }
            )
            for index, line in enumerate(self.acceptance_ids.filtered(lambda a: a.state == "valid").line_ids)
        ]
