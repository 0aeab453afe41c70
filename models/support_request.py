from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

from ..input_bounds import (
    DESCRIPTION_MAX_LENGTH,
    LONG_TEXT_MAX_LENGTH,
    PHONE_ACCEPTANCE_MAX_DAYS,
    REQUEST_MAX_DAYS_AHEAD,
    check_date_window,
)
from .support_acceptance import SERVICE_KINDS
from .support_priced_line import priced_line_values

OPEN_STATES = ("new", "waiting_contract", "to_schedule", "scheduled", "in_progress")
# Signed and waiting for the customer's rating: the states a rating (or a call) closes.
AWAITING_RATING_STATES = ("done", "to_close_by_phone")
# The state changes write() accepts: those of the transitions (see "State machine" below),
# each of which checks its own conditions first.
TRANSITIONS = {
    ("new", "to_schedule"),
    ("new", "waiting_contract"),
    ("waiting_contract", "to_schedule"),
    ("waiting_contract", "refused"),
    ("to_schedule", "scheduled"),
    ("scheduled", "scheduled"),
    ("scheduled", "in_progress"),
    ("scheduled", "done"),
    ("in_progress", "done"),
    ("done", "to_close_by_phone"),
    ("done", "closed"),
    ("to_close_by_phone", "closed"),
    *((state, "cancelled") for state in (*OPEN_STATES, "refused")),
}

# Rating (step 8)
ESCALATION_WORKING_DAYS = 3
# A rating of 1 or 2 out of 5 opens a corrective action.
CORRECTIVE_RATING_MAX = 2
ESCALATION_BATCH_SIZE = 10000
ESCALATION_MAIL_ROWS = 50  # requests listed in an account manager's e-mail, the rest counted
REMINDER_INTERVAL = timedelta(days=1)

# Intake (step 1): the channels and who registers on each
INTAKE_CHANNELS = ("portal", "phone")
PHONE_ACCEPTANCE_LEEWAY = timedelta(minutes=5)  # a clock a little ahead is not a cost accepted in the future


class SupportIntakeError(ValidationError):
    """A request refused at intake: ``errors`` maps each refused field to its translated
    message (the portal shows each on its field); the exception's message is the first."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__(next(iter(self.errors.values())))


class SupportRequest(models.Model):
    """An RV request: the customer's request for support, from its registration to the
    customer's rating (steps 1 to 8 of the procedure).

    * Registration: the contract gate, the cost acceptance, the account manager's e-mail
      and the customer's written acknowledgement (``support.letter.mixin``).
    * The partner network: only currently certified technicians are assigned, and the
      customer's rating rates the technician.
    * Step 8, the customer's satisfaction (``rating.mixin``): the signed A1 Form sends
      Odoo's rating request; every rating closes the request and tells the account
      manager; after 3 working days without a rating the request goes to the account
      manager to close by phone.
    * Reporting: since when each request is in its state, the red card of overdue
      scheduling, and the evidence dossier.

    The state machine is this model's: ``state`` is written only by the transition
    methods below (section "State machine")."""

    _name = "support.request"
    _description = "RV Request"
    _inherit = [
        "portal.mixin",
        "rating.mixin",
        "support.document",
        "support.input.guard",
        "support.letter.mixin",
    ]
    # Whoever may read the request may write in its conversation and attach files to it
    # (as on project tasks and invoices): the customer, the assigned technician, the firm's
    # manager and the vendor's staff, as the record rules say; nobody else.
    _mail_post_access = "read"

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
            ("to_close_by_phone", "To close by phone"),
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

    # Rating (step 8)
    # A new request has no rating: 0 before the INSERT instead of a query and an UPDATE after.
    rating_last_value = fields.Float(compute="_compute_rating_last_value", store=True, precompute=True)
    support_signed_on = fields.Datetime(
        # searched with state 'done' only: _state_signed_idx is its index
        string="A1 Form signed on",
        compute="_compute_support_signed_on",
        store=True,
        help="When the customer first signed the request's A1 Form (signing a correction later does not "
        "change it): the 3 working days to rate start then.",
    )
    support_rating_reminder_date = fields.Datetime(
        string="Last rating reminder",
        readonly=True,
        copy=False,
    )
    support_escalated_on = fields.Datetime(string="Escalated on", readonly=True, copy=False)
    support_corrective_state = fields.Selection(
        [("open", "Open"), ("done", "Done")],
        string="Corrective action",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="Opened by a rating of 1 or 2 out of 5: a support manager finds why the customer is "
        "unhappy and marks the activity done with what was done.",
    )
    support_close_attempts = fields.Integer(
        string="Call attempts",
        readonly=True,
        copy=False,
        help="How many times the account manager called without reaching the customer.",
    )

    # Reporting
    state_date = fields.Datetime(
        string="In this state since",
        compute="_compute_state_date",
        store=True,
        index=True,
        help="When the request entered its current state.",
    )
    support_days_in_state = fields.Integer(
        string="Days in state",
        compute="_compute_support_days_in_state",
        help="Days since the request entered its current state.",
    )
    support_kanban_color = fields.Integer(compute="_compute_support_kanban_color")

    _submission_uniq = models.Constraint(
        "UNIQUE (partner_id, submission_token)",
        "This request form has already been submitted.",
    )
    _partner_state_idx = models.Index("(partner_id, id DESC)")
    _support_text_max_lengths = {
        "description": DESCRIPTION_MAX_LENGTH,
        "cancel_reason": LONG_TEXT_MAX_LENGTH,
    }
    _state_signed_idx = models.Index("(state, support_signed_on) WHERE state = 'done'")

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
            request.amount_accepted = sum(request.acceptance_ids._filter_valid(SERVICE_KINDS).mapped("amount_total"))

    @api.depends("a1_form_ids")
    def _compute_a1_form_count(self):
        for request in self:
            request.a1_form_count = len(request.a1_form_ids)

    @api.depends("a1_form_ids.state", "a1_form_ids.signed_on")
    def _compute_support_signed_on(self):
        for request in self:
            # The first signature of the meeting's A1 Form: signing a correction later does
            # not restart the customer's time to rate (nor send a second rating request).
            signed = request.a1_form_ids.filtered(lambda f: f.state in ("signed", "corrected") and f.signed_on)
            request.support_signed_on = min(signed.mapped("signed_on")) if signed else False

    @api.depends("state")
    def _compute_state_date(self):
        now = fields.Datetime.now()
        for request in self:
            request.state_date = now

    def _compute_support_days_in_state(self):
        now = fields.Datetime.now()
        for request in self:
            since = request.state_date or request.create_date
            request.support_days_in_state = (now - since).days if since else 0

    @api.depends("state", "activity_state", "state_date")
    def _compute_support_kanban_color(self):
        """Red: the meeting should have been agreed already (overdue scheduling activity,
        or more than 2 days waiting to be scheduled)."""
        limit = fields.Datetime.now() - timedelta(days=2)
        for request in self:
            overdue = request.state == "to_schedule" and (
                request.activity_state == "overdue" or (request.state_date and request.state_date < limit)
            )
            request.support_kanban_color = 1 if overdue else 0

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
        """Only a technician certified today, of a partner firm with access to the partner
        section, is assigned."""
        for request in self.filtered("technician_id"):
            technician = request.technician_id.sudo()  # the status is readable by the vendor's staff anyway
            if technician.is_support_technician and not technician.support_certified:
                raise ValidationError(
                    self.env._(
                        "%(technician)s is not currently certified (%(reasons)s) and cannot be assigned.",
                        technician=technician.display_name,
                        reasons=(technician.support_certification_reasons or "").replace("\n", "; "),
                    )
                )
        allowed = self._get_allowed_technicians() if self.technician_id else self.env["res.partner"]
        for request in self.filtered("technician_id"):
            if request.technician_id not in allowed:
                raise ValidationError(
                    self.env._(
                        "%(technician)s is not a technician of a partner firm with access to the partner section.",
                        technician=request.technician_id.display_name,
                    )
                )

    def write(self, vals):
        if "state" in vals:
            self._check_state_change(vals["state"])
        self._check_evidence_parties(vals)
        return super().write(vals)

    def _check_state_change(self, state):
        """Only the transitions write the state (``TRANSITIONS``), whatever the caller."""
        for request in self:
            if request.state != state and (request.state, state) not in TRANSITIONS:
                raise UserError(
                    self.env._(
                        "%(request)s cannot go from %(old)s to %(new)s.",
                        request=request.name,
                        old=dict(self._fields["state"]._description_selection(self.env))[request.state],
                        new=dict(self._fields["state"]._description_selection(self.env)).get(state, state),
                    )
                )

    def _check_evidence_parties(self, vals):
        """The customer's acceptances and the signed A1 Forms name the customer, the company
        and the technician of their request: those stay what they were once recorded."""
        for fname in ("partner_id", "company_id", "technician_id"):
            if fname not in vals:
                continue
            changed = self.filtered(lambda r, f=fname: r[f].id != (vals[f] or False))
            if fname == "technician_id":
                locked = changed.filtered(lambda r: r.a1_form_ids.filtered(lambda f: f.state != "draft"))
            else:
                locked = changed.filtered("acceptance_ids")
            if locked:
                raise UserError(
                    self.env._(
                        "The %(field)s of %(request)s cannot change: its accepted costs and A1 Forms "
                        "record it. Cancel the request and register a new one.",
                        field=self._fields[fname]._description_string(self.env),
                        request=locked[0].name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_never_with_acceptance(self):
        if self.acceptance_ids:
            raise UserError(
                self.env._("A request whose cost the customer accepted cannot be deleted; cancel it instead.")
            )

    # ------------------------------------------------------------------
    # Intake (step 1): what a valid request is, for the portal and the phone
    # ------------------------------------------------------------------

    @api.model
    def _intake_company(self, channel, registered_by, customer):
        """The vendor's company whose catalogue the request is chosen from: the customer's
        (else the customer's user's) from the portal, the staff member's current one on the phone."""
        if channel == "portal":
            return customer.company_id or registered_by.company_id
        return self.env.company

    @api.model
    def _intake_check_who(self, channel, registered_by, customer, accepted_by):
        """Who may register for whom: a customer's user from the portal, for their own company
        and accepting the cost themselves; the support team on the phone, for any customer.
        ``registered_by`` is the user who acts (never taken from a context key or a form)."""
        if channel == "portal":
            allowed = (
                registered_by == self.env.user
                and customer == registered_by.commercial_partner_id
                and accepted_by == registered_by.partner_id
            )
        elif channel == "phone":
            allowed = (
                registered_by == self.env.user
                and not registered_by.share
                and registered_by.has_group("certified_support.group_support_user")
            )
        else:
            allowed = False
        if not allowed:
            raise AccessError(
                self.env._(
                    "Customers register their own company's requests from the portal; "
                    "the support team registers the requests taken on the phone."
                )
            )

    @api.model
    def _intake_check(self, channel, registered_by, intake):  # noqa: C901 - one rule after the other
        """Check a request to register against every intake rule, as the user who registers it.

        ``intake`` holds parsed values (records, dates, numbers; see ``_intake``). Returns
        ``(values to create the request, {field: translated message})``; a field that is
        refused is not read further (its records may be another customer's)."""
        env = self.env
        portal = channel == "portal"
        errors = {}
        customer = intake.get("customer") or env["res.partner"]
        accepted_by = intake.get("accepted_by") or env["res.partner"]
        fault = intake.get("fault") or env["support.fault"]
        installation = intake.get("installation") or env["support.installation"]
        company = intake.get("company") or self._intake_company(channel, registered_by, customer)
        self._intake_check_who(channel, registered_by, customer, accepted_by)

        if not customer:
            errors["partner_id"] = env._("Find and choose the customer who is calling.")

        if not fault:
            errors["fault_id"] = (
                env._("Choose the reason for your request.")
                if portal
                else env._("Choose the fault of the catalogue the customer calls about.")
            )
        # Searched as the user who registers: archived faults, another company's and the
        # faults the user may not read are not in the catalogue.
        elif not env["support.fault"].search_count([("id", "=", fault.id), ("company_id", "=", company.id)], limit=1):
            errors["fault_id"] = env._("This fault is not in the catalogue any more: choose another one.")
            fault = env["support.fault"]

        if not accepted_by:
            errors["accepted_by_id"] = env._("Choose the customer's contact who accepted the cost on the phone.")
        elif customer and accepted_by.commercial_partner_id != customer:
            errors["accepted_by_id"] = env._(
                "%(contact)s is not a contact of %(customer)s: the cost must be accepted by the customer.",
                contact=accepted_by.display_name,
                customer=customer.display_name,
            )
        elif not portal and accepted_by.is_company:
            errors["accepted_by_id"] = env._("Choose the person who accepted the cost on the phone, not the company.")

        # From the portal the cost is accepted by submitting the form, now.
        accepted_on = False if portal else intake.get("accepted_on")
        now = fields.Datetime.now()
        if accepted_on and accepted_on > now + PHONE_ACCEPTANCE_LEEWAY:
            errors["accepted_on"] = env._("The cost cannot have been accepted in the future.")
        elif accepted_on and accepted_on < now - timedelta(days=PHONE_ACCEPTANCE_MAX_DAYS):
            errors["accepted_on"] = env._(
                "Register the call within %(days)s days: check when the cost was accepted.",
                days=PHONE_ACCEPTANCE_MAX_DAYS,
            )

        description = intake.get("description") or ""
        if portal and not description.strip():
            errors["description"] = env._("Describe the problem in a few words.")

        dates = {}
        today = fields.Date.context_today(self)
        for name in ("desired_date_from", "desired_date_to"):
            day = dates[name] = intake.get(name) or False
            if not day:
                continue
            if day < today:
                errors[name] = env._("Choose today or a later day.")
            elif day > today + timedelta(days=REQUEST_MAX_DAYS_AHEAD):
                errors[name] = env._("Choose a day within the next year.")
        if (
            dates["desired_date_from"]
            and dates["desired_date_to"]
            and dates["desired_date_from"] > dates["desired_date_to"]
            and not {"desired_date_from", "desired_date_to"} & errors.keys()
        ):
            errors["desired_date_to"] = env._("This day must not be before the first one.")

        # The customer chooses among the places the fault is handled at; on the phone the
        # support team decides (the fault only proposes its place).
        location = intake.get("location") or False
        if fault:
            allowed = ("onsite", "remote") if fault.location == "both" else (fault.location,)
            if not location and len(allowed) == 1:
                location = allowed[0]
            if portal and location not in allowed:
                errors["location"] = (
                    env._("Choose on site or remote support.")
                    if len(allowed) > 1 or not location
                    else env._("This fault is handled only on site.")
                    if allowed == ("onsite",)
                    else env._("This fault is handled only remotely.")
                )

        # Searched as the user who registers: a customer is never told the name of an
        # installation that is not theirs.
        if installation and not (
            customer
            and env["support.installation"].search_count(
                [("id", "=", installation.id), ("partner_id", "=", customer.id)], limit=1
            )
        ):
            errors["installation_id"] = (
                env._("Choose one of your installations.")
                if portal
                else env._(
                    "The installation %(installation)s is not one of %(customer)s.",
                    installation=installation.display_name,
                    customer=customer.display_name,
                )
            )

        # The cost shown to the customer (on the form, or read on the phone) is the cost accepted.
        if fault:
            amount = intake.get("amount_total")
            if amount is None or fault.currency_id.compare_amounts(amount, fault.amount_total) != 0:
                errors["amount_total"] = env._(
                    "The price changed, please review: the cost of this fault is now %(amount)s.",
                    amount=fault.currency_id.format(fault.amount_total),
                )

        values = {
            "company_id": fault.company_id.id or company.id,
            "partner_id": customer.id,
            "contact_id": accepted_by.id,
            "channel": channel,
            "fault_id": fault.id,
            "description": description,
            "desired_date_from": dates["desired_date_from"],
            "desired_date_to": dates["desired_date_to"],
            "location": location,
            "installation_id": installation.id,
        }
        if intake.get("submission_token"):
            values["submission_token"] = intake["submission_token"]
        return values, errors

    @api.model
    def _intake(self, channel, registered_by, intake):
        """Register a request (step 1) from parsed values, enforcing every intake rule.

        :param channel: ``"portal"`` (the customer's user, for their own company) or
            ``"phone"`` (the support team, for the customer who calls)
        :param registered_by: the user who registers it: ``self.env.user``, passed explicitly
        :param intake: dict of parsed values: ``customer`` (commercial entity), ``accepted_by``
            (the contact who accepts the cost), ``fault``, ``amount_total`` (the cost shown),
            ``description``, ``location``, ``installation``, ``desired_date_from`` /
            ``desired_date_to``, ``accepted_on`` (phone), ``ip_address``,
            ``submission_token`` (portal), ``company`` (default: see ``_intake_company``)
        :return: the registered request, in this environment
        :raise SupportIntakeError: with the refused fields and their messages
        :raise AccessError: the user may not register it (see ``_intake_check_who``)
        """
        if channel not in INTAKE_CHANNELS:
            raise ValueError(f"unknown intake channel {channel!r}")
        values, errors = self._intake_check(channel, registered_by, intake)
        if errors:
            raise SupportIntakeError(errors)
        # sudo from the portal only: customers may read their requests but not create them;
        # every value was checked above as the customer (who they are, their records).
        requests = self.sudo() if channel == "portal" else self
        support_request = requests.create(values)
        accepted_by = support_request.contact_id
        # The acceptance is stamped with the time of the call (phone), else now.
        support_request._register_request(
            accepted_by,
            intake.get("ip_address"),
            accepted_on=intake.get("accepted_on") if channel == "phone" else None,
        )
        return support_request.with_env(self.env)

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
                priced_line_values(
                    line, sequence=index, price_subtotal=line.price_subtotal, price_total=line.price_total
                )
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
        of the call; now by default), applies the gate, tells the account manager and
        sends the customer the written acknowledgement.
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
        self._support_post_letter("certified_support.mail_template_request_acknowledgement")

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
        technician group (the partner-network rules narrow this to certified ones),
        certified today."""
        group = self.env.ref("certified_support.group_support_technician")
        return group.all_user_ids.partner_id.filtered("is_support_technician").filtered("support_certified")

    def _set_to_schedule(self):
        if any(request.state not in ("new", "waiting_contract") for request in self):
            raise UserError(
                self.env._("Only a new request or one waiting for an ESTES contract goes on to scheduling.")
            )
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
                      rows.summary, rows.note, %(deadline)s, rows.user_id, rows.user_tz, TRUE, TRUE,
                      %(uid)s, %(now)s, %(uid)s, %(now)s
                 FROM unnest(%(res_ids)s::int[], %(res_names)s::varchar[], %(summaries)s::varchar[],
                             %(notes)s::text[], %(user_ids)s::int[], %(user_tzs)s::varchar[])
                      AS rows(res_id, res_name, summary, note, user_id, user_tz)
            RETURNING id""",
                model_id=self.env["ir.model"]._get_id(self._name),
                model=self._name,
                type_id=activity_type.id,
                summaries=[summaries[user.lang] for user in users],
                deadline=activity_type._get_date_deadline(),  # the type's delay, as activity_schedule
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
        if any(request.state not in ("new", "waiting_contract") for request in self):
            raise UserError(self.env._("Only a new request waits for an ESTES contract."))
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
        if any(request.state != "waiting_contract" for request in self):
            raise UserError(self.env._("Only a request waiting for an ESTES contract is refused for the lack of one."))
        self.acceptance_ids._filter_valid()._cancel(
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
    # Letters to the customer (support.letter.mixin)
    # ------------------------------------------------------------------

    def _support_letter_acceptances(self):
        """The acceptance the acknowledgement records: the request's own, valid, latest first."""
        self.ensure_one()
        return self.acceptance_ids._filter_valid().filtered(lambda a: a.kind == "request").sorted("id", reverse=True)

    def _support_send_extra_proposals(self):
        """The customer is asked to accept or decline the proposed extra actions."""
        self.filtered(lambda r: r.extra_ids.filtered(lambda e: e.state == "proposed"))._support_post_letter(
            "certified_support.mail_template_request_extra_proposed"
        )

    # ------------------------------------------------------------------
    # State machine: ``state`` is written by these methods only
    #
    #   new → to_schedule or waiting_contract   _apply_contract_gate() (_set_to_schedule(), _wait_for_contract())
    #   waiting_contract → to_schedule          _on_contracts_activated()
    #   waiting_contract → refused              _refuse_without_contract()
    #   to_schedule, scheduled → scheduled      _action_schedule() (the scheduling wizard)
    #   scheduled → in_progress                 action_start()
    #   scheduled, in_progress → done           _action_done() (the technician files the A1 Form)
    #   done → to_close_by_phone                _action_escalate() (the hourly escalation cron)
    #   done, to_close_by_phone → closed        _action_close() (a rating, or the calls that failed)
    #   open → cancelled                        _action_cancel() (the cancel wizard)
    # ------------------------------------------------------------------

    def _action_schedule(self, technician, location, address):
        """Step 5: the meeting agreed with the customer is booked (the scheduling wizard
        created its calendar event): the technician and the place are set, and the account
        manager's "to schedule" activity is done."""
        if any(request.state not in ("to_schedule", "scheduled") for request in self):
            raise UserError(self.env._("Only a request to schedule can be scheduled."))
        self.write(
            {
                "technician_id": technician.id,
                "location": location,
                "meeting_address": address,
                "state": "scheduled",
            }
        )
        self.activity_feedback(
            ["certified_support.mail_activity_to_schedule"],
            feedback=self.env._("Meeting booked with %s", technician.name),
        )

    def action_start(self):
        if any(request.state != "scheduled" for request in self):
            raise UserError(self.env._("Only a scheduled request can start."))
        self.state = "in_progress"
        return True

    def _action_done(self):
        """Step 7: the technician filed the A1 Form of the meeting. The requests that were
        scheduled or in progress are done (a correction's request is done already and stays
        as it is). Returns the requests that became done."""
        visited = self.filtered(lambda r: r.state in ("scheduled", "in_progress"))
        visited.write({"state": "done"})
        return visited

    def _action_escalate(self):
        """Step 8: no rating 3 working days after the signature: the account manager closes
        the request by phone. Tracking posts one message per record; the escalation is
        set-based, its trace is the "Close by phone" activity (then its feedback) and the
        "Escalated on" date."""
        for request in self:
            if request.state != "done":
                raise UserError(self.env._("Request %s is not waiting for a rating.", request.name))
        self.with_context(tracking_disable=True).write(
            {"state": "to_close_by_phone", "support_escalated_on": fields.Datetime.now()}
        )

    def _action_close(self, close_attempts=None):
        """Step 8 ends: the customer rated (through the links or on the phone), or the account
        manager could not reach them after ``close_attempts`` calls."""
        if any(request.state not in AWAITING_RATING_STATES for request in self):
            raise UserError(self.env._("Only a request waiting for the customer's rating can be closed by phone."))
        vals = {"state": "closed"}
        if close_attempts is not None:
            vals["support_close_attempts"] = close_attempts
        self.write(vals)

    def _action_cancel(self, reason):
        """The cancel wizard: the accepted costs are cancelled, the proposed extra actions
        refused and the meeting removed."""
        if any(request.state == "to_close_by_phone" for request in self):
            raise UserError(
                self.env._("A request waiting to be closed by phone cannot be cancelled; close it by phone.")
            )
        if any(request.state in ("done", "closed", "cancelled") for request in self):
            raise UserError(self.env._("A request with a filed A1 Form, closed or cancelled cannot be cancelled."))
        self.acceptance_ids._filter_valid()._cancel(reason)
        self.extra_ids.filtered(lambda e: e.state == "proposed")._refuse()
        self.event_id.sudo().unlink()  # the meeting goes with the request; attendees are told by calendar
        self.write({"state": "cancelled", "cancel_reason": reason})
        self.activity_unlink(["certified_support.mail_activity_to_schedule"])

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

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
        return self.acceptance_ids._filter_valid().line_ids.product_id

    def _prepare_a1_line_commands(self):
        self.ensure_one()
        return [
            Command.create(priced_line_values(line, sequence=index))
            for index, line in enumerate(self.acceptance_ids._filter_valid().line_ids)
        ]

    # ------------------------------------------------------------------
    # Rating configuration (rating.mixin)
    # ------------------------------------------------------------------

    def _rating_get_partner(self):
        """The contact person who asked for support, or else the customer company."""
        self.ensure_one()
        return self.contact_id or self.partner_id

    def _rating_apply_get_default_subtype_id(self):
        return self.env["ir.model.data"]._xmlid_to_res_id("certified_support.mt_request_rating")

    def _rating_get_operator(self):
        """The customer rates the technician who handled the request (``rated_partner_id``
        of the rating): that is the satisfaction score of certification."""
        self.ensure_one()
        return self.technician_id or super()._rating_get_operator()

    def _support_awaits_rating(self):
        """Signed, not rated, not escalated: the customer's rating links are valid."""
        self.ensure_one()
        return self.state == "done" and bool(self.support_signed_on)

    def _support_rating_link_open(self):
        """The customer's rating links work: the A1 Form is signed (step 7 before step 8)
        and the request was not escalated; a rated request may still change its feedback."""
        self.ensure_one()
        return bool(self.support_signed_on) and not self.support_escalated_on and self.state in ("done", "closed")

    def _support_rating_portal_token(self):
        """The rating token for the "Rate this support" buttons of the portal page, or False."""
        self.ensure_one()
        if not self._support_awaits_rating():
            return False
        return self.sudo()._rating_get_access_token()  # the page checked the customer's access

    def message_post(self, **kwargs):
        # Ratings of requests come only from the rating links and the phone wizard, never
        # from a chatter message that carries a score.
        kwargs.pop("rating_value", None)
        return super().message_post(**kwargs)

    def rating_apply(self, rate, token=None, rating=None, feedback=None, subtype_xmlid=None, notify_delay_send=False):
        self.ensure_one()
        if token and not rating:
            rating = self.env["rating.rating"].search([("access_token", "=", token)], limit=1)
        if rating and rating.support_source != "phone" and self.support_escalated_on:
            raise UserError(self.env._("This request is being closed by phone: the rating link is no longer valid."))
        rating = super().rating_apply(
            rate,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        self._support_on_rating_submitted(rating)
        return rating

    def _support_on_rating_submitted(self, rating):
        """Every submitted rating closes the request and tells the account manager."""
        self.ensure_one()
        if self.state in AWAITING_RATING_STATES:
            self.sudo()._action_close()  # the customer's rating closes the request
            # sudo: the customer's rating ends the account manager's to-do
            self.sudo().activity_unlink(["certified_support.mail_activity_close_by_phone"])
        template = self.env.ref(
            "certified_support.mail_template_request_rated"
        ).sudo()  # customers may not read mail templates
        if self.user_id and rating.support_source != "phone":  # by phone, the manager gave it
            template.with_context(support_rating_id=rating.id).send_mail(self.id)
        if rating.rating <= CORRECTIVE_RATING_MAX and self.support_corrective_state != "open":
            self._support_open_corrective_action(rating)

    def _support_corrective_user(self):
        """Who handles the corrective actions of this request's company."""
        self.ensure_one()
        company = self.company_id
        if company.support_corrective_user_id:
            return company.support_corrective_user_id
        managers = (
            self.env.ref("certified_support.group_support_manager")
            # sudo: the group's members, whoever's rating (the public link) asks
            .sudo()
            .all_user_ids.filtered(lambda u: not u.share and company in u.company_ids and u.id != SUPERUSER_ID)
        )
        return managers.sorted("id")[:1] or self.user_id or self.env.ref("base.user_admin")

    def _support_open_corrective_action(self, rating):
        """ISO 9001 §10.2: an unhappy customer opens a corrective action, tracked until a
        support manager marks it done with what was done."""
        self.ensure_one()
        user = self._support_corrective_user()
        request = self.sudo().with_context(lang=user.lang)  # the customer's rating opens it (public link)
        request.support_corrective_state = "open"
        request.activity_schedule(
            "certified_support.mail_activity_corrective_action",
            user_id=user.id,
            note=request.env._(
                "%(customer)s rated the support of %(technician)s %(score)s out of 5: %(feedback)s",
                customer=rating.partner_id.display_name or self.partner_id.display_name,
                technician=self.technician_id.display_name or request.env._("no technician"),
                score=int(rating.rating),
                feedback=rating.feedback or request.env._("no comment"),
            ),
        )

    def _support_corrective_action_done(self):
        """The corrective action's activity was marked done (``mail.activity``)."""
        # sudo: the activity's assignee marks it done without write access to the request
        self.filtered(lambda r: r.support_corrective_state == "open").sudo().write(
            {"support_corrective_state": "done"}  # marking an activity done is the assignee's right
        )

    def _support_last_rating(self):
        self.ensure_one()
        return (
            self.env["rating.rating"]
            # sudo: the rating, whoever asks (customer or staff)
            .sudo()
            .search(
                [("res_model", "=", self._name), ("res_id", "=", self.id), ("consumed", "=", True)],
                order="write_date desc, id desc",
                limit=1,
            )
        )

    # ------------------------------------------------------------------
    # Rating requests and reminders
    # ------------------------------------------------------------------

    def _support_send_rating_request(self):
        """Odoo's rating request by e-mail, with the rating token links (step 8)."""
        template = self.env.ref("certified_support.mail_template_request_rating")
        for request in self.sudo():  # the customer's signature triggers it from the portal
            if not request._support_awaits_rating():
                continue
            partner = request._rating_get_partner()
            request.rating_send_request(template, lang=partner.lang, force_send=False)

    def _support_send_rating_reminder(self):
        """The technician's reminder: at most one a day per request."""
        now = fields.Datetime.now()
        for request in self:
            if not request._support_awaits_rating():
                raise UserError(self.env._("Request %s is not waiting for a rating.", request.name))
            last = request.support_rating_reminder_date
            if last and now - last < REMINDER_INTERVAL:
                raise UserError(
                    self.env._(
                        "A reminder for %(request)s was already sent on %(date)s UTC: send the next one tomorrow.",
                        request=request.name,
                        date=fields.Datetime.to_string(last),
                    )
                )
        self.sudo().write({"support_rating_reminder_date": now})  # technicians cannot write requests; checked above
        self._support_send_rating_request()

    # ------------------------------------------------------------------
    # Escalation (3 working days without a rating)
    # ------------------------------------------------------------------

    @api.model
    def _support_escalation_cutoff(self, calendar, now, working_days=ESCALATION_WORKING_DAYS):
        """The latest signing time that is escalated at ``now``: a request signed before
        it has ``working_days`` (3 by default) whole working days of ``calendar`` (public
        holidays skipped) after the day of signing, all ended before ``now``. One
        computation per calendar, so the requests are then selected with a plain
        comparison in SQL. The A1 Form's signature reminders count their working days
        with it too (support_a1_form.py)."""
        tz = pytz.timezone(calendar.tz or "UTC")
        now_utc = pytz.utc.localize(now) if not now.tzinfo else now.astimezone(pytz.utc)
        local_now = now_utc.astimezone(tz)
        end = tz.localize(datetime.combine(local_now.date() + timedelta(days=1), time.min))
        start = end - timedelta(days=60)
        ends_by_day = defaultdict(lambda: None)
        for interval_start, interval_stop, _meta in calendar._work_intervals_batch(start, end)[False]:
            day = interval_start.astimezone(tz).date()
            ends_by_day[day] = max(filter(None, [ends_by_day[day], interval_stop]))
        complete = sorted((day for day, stop in ends_by_day.items() if stop <= now_utc), reverse=True)
        if len(complete) < working_days:
            return None
        first_day = complete[working_days - 1]
        return tz.localize(datetime.combine(first_day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _cron_escalate_unrated(self, batch_size=None):
        """Hourly: unrated requests signed 3 working days ago go to the account manager to
        close by phone. Batches are committed with the cron progress API; rows another run
        holds are skipped; a request is escalated once, since it leaves the 'done' state."""
        batch_size = batch_size or ESCALATION_BATCH_SIZE
        now = fields.Datetime.now()
        Request = self.sudo()  # a system cron over every company
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all  # sudo: every company, for the cron
            calendar = company.resource_calendar_id
            cutoff = self._support_escalation_cutoff(calendar, now) if calendar else None
            if not cutoff:
                continue
            domain = [
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("support_signed_on", "<", cutoff),
            ]
            remaining = Request.search_count(domain)  # for the progress only: counted once
            while True:
                candidates = Request.search(domain, order="support_signed_on, id", limit=batch_size)
                if not candidates:
                    break
                locked = candidates.try_lock_for_update()
                # A concurrent run (or a user) may have moved them meanwhile: read them again.
                batch = Request.search([("id", "in", locked.ids), ("state", "=", "done")], order="id")
                batch._support_escalate()
                remaining = max(0, remaining - len(batch))
                if self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining) <= 0:
                    return
                if not batch:
                    break  # every candidate is locked by another run: it escalates them

    def _support_escalate(self):
        """Escalate one batch, set-based: one write of the state, the rating links renewed in
        one UPDATE, one activity per request inserted together, and one e-mail per account
        manager listing their requests of the batch."""
        if not self:
            return
        # Everything the notes, activities and e-mails show, read once for the batch.
        self.fetch(["name", "user_id", "partner_id", "contact_id"])
        (self.partner_id | self.contact_id).fetch(["name", "complete_name", "phone"])
        self._action_escalate()
        self._support_renew_rating_tokens()
        admin = self.env.ref("base.user_admin")
        # In the account manager's language; a customer has many requests: one note each.
        notes = {}
        users_and_notes = []
        for request in self:
            user = request.user_id or admin
            key = (request.contact_id, request.partner_id, user.lang)
            if key not in notes:
                notes[key] = request.with_context(lang=user.lang)._support_close_by_phone_note()
            users_and_notes.append((user, notes[key]))
        self._support_schedule_activities("certified_support.mail_activity_close_by_phone", users_and_notes)
        self._support_mail_escalations()

    def _support_renew_rating_tokens(self):
        """The customer's rating links end here: the account manager takes over by phone.

        The pending ratings get new random tokens in one statement (``gen_random_uuid()``
        is a version 4 UUID from a cryptographic generator, as ``uuid4().hex`` of
        ``rating.rating``): writing them one by one through the ORM costs about 60 µs per
        rating, too slow for an escalation run over 100,000 requests."""
        Rating = self.env["rating.rating"]
        Rating.flush_model(["res_model", "res_id", "consumed", "access_token"])
        self.env.cr.execute(
            SQL(
                """UPDATE rating_rating
                  SET access_token = replace(gen_random_uuid()::text, '-', ''),
                      write_uid = %(uid)s, write_date = %(now)s
                WHERE res_model = %(model)s AND res_id = ANY(%(ids)s) AND consumed IS NOT TRUE
            RETURNING id""",
                uid=self.env.uid,
                now=fields.Datetime.now(),
                model=self._name,
                ids=self.ids,
            )
        )
        Rating.browse(row[0] for row in self.env.cr.fetchall()).invalidate_recordset(
            ["access_token", "write_uid", "write_date"]
        )

    def _support_mail_escalations(self):
        """One e-mail per account manager, all rendered at once, listing their requests."""
        by_user = self.filtered("user_id").grouped("user_id")
        if not by_user:
            return
        template = self.env.ref("certified_support.mail_template_request_close_by_phone")
        # The context is copied and hashed by every environment the rendering opens: it
        # carries only what an e-mail shows (how many, and the first ones), not every id.
        template.with_context(
            support_escalation_digest={
                user.id: (len(requests), tuple(requests[:ESCALATION_MAIL_ROWS].ids))
                for user, requests in by_user.items()
            }
        ).send_mail_batch(list(user.id for user in by_user))

    def _support_escalation_digest(self, user):
        """For the e-mail template: how many requests of the batch came to ``user``, and the
        first of them (``ESCALATION_MAIL_ROWS``) to list."""
        count, ids = (self.env.context.get("support_escalation_digest") or {}).get(user.id, (0, ()))
        return count, self.browse(ids)

    def _support_customer_phones(self):
        """The phone numbers the account manager may call: contact, then company."""
        self.ensure_one()
        phones = []
        for partner in self.contact_id | self.partner_id:
            if partner.phone and partner.phone not in phones:
                phones.append(partner.phone)
        return phones

    def _support_close_by_phone_note(self):
        self.ensure_one()
        phones = self._support_customer_phones()
        return self.env._(
            "No rating from %(customer)s 3 working days after the A1 Form was signed. "
            "Call and ask for their satisfaction: %(phones)s",
            customer=self._rating_get_partner().complete_name,  # stored: no display name to compute
            phones=", ".join(phones) or self.env._("no phone number on file"),
        )

    # ------------------------------------------------------------------
    # Close by phone
    # ------------------------------------------------------------------

    def action_view_ratings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ratings"),
            "res_model": "rating.rating",
            "view_mode": "list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id), ("consumed", "=", True)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    def action_open_close_by_phone(self):
        self.ensure_one()
        if self.state not in ("done", "to_close_by_phone"):
            raise UserError(self.env._("Only a request waiting for the customer's rating can be closed by phone."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close by phone"),
            "res_model": "support.request.close.phone",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    # ------------------------------------------------------------------
    # Evidence dossier (report/support_request_dossier.xml)
    # ------------------------------------------------------------------

    def _dossier_state_history(self):
        """The request's states as the chatter tracked them: ``[(date, who, from, to)]``,
        oldest first, starting with the registration."""
        self.ensure_one()
        field = self.env["ir.model.fields"]._get(self._name, "state")
        # sudo: tracking values are read through their messages; the dossier is printed by a
        # support manager, who reads the request and its whole chatter.
        trackings = (
            self.env["mail.tracking.value"]
            # sudo: the dossier's reader (a support manager) reads the request's whole chatter
            .sudo()
            .search(
                [
                    ("field_id", "=", field.id),
                    ("mail_message_id.model", "=", self._name),
                    ("mail_message_id.res_id", "=", self.id),
                ],
                order="id",
            )
        )
        # The tracking stored each state's label in the language of whoever changed it:
        # shown again in the reader's language.
        state_field = self._fields["state"]
        keys = {
            label: key
            for lang, _name in self.env["res.lang"].get_installed()
            for key, label in state_field._description_selection(self.with_context(lang=lang).env)
        }
        labels = dict(state_field._description_selection(self.env))

        def label(text):
            return labels.get(keys.get(text), text) if text else False

        history = [(self.create_date, self.create_uid.name, False, self.env._("Registered"))]
        history += [
            (
                value.mail_message_id.date,
                value.mail_message_id.author_id.name or value.create_uid.name,
                label(value.old_value_char),
                label(value.new_value_char),
            )
            for value in trackings
        ]
        if self.support_escalated_on:
            # The escalation is set-based and not tracked (``_action_escalate``): its date says it.
            history.append(
                (
                    self.support_escalated_on,
                    self.env._("Escalation without a rating"),
                    labels["done"],
                    labels["to_close_by_phone"],
                )
            )
            history.sort(key=lambda row: row[0])
        return history

    def _dossier_corrective_messages(self):
        """The corrective actions marked done: the messages that carry what was done."""
        self.ensure_one()
        corrective = self.env.ref("certified_support.mail_activity_corrective_action")
        return self.message_ids.filtered(lambda m: m.mail_activity_type_id == corrective)

    def _dossier_invoices(self):
        """The invoices issued from the request's A1 Forms, with their credit notes."""
        self.ensure_one()
        invoices = self.a1_form_ids.invoice_ids
        return (invoices | invoices.reversal_move_ids).sorted("id")
