from odoo import api, fields, models

from ..input_bounds import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    forbidden_character,
)


class SupportPhoneRequest(models.TransientModel):
    """Step 1 (phone) and 4.2: a support user registers the RV request a customer asks for
    on the phone, with the cost the customer's contact accepted during the call."""

    _name = "support.phone.request"
    _inherit = ["support.input.guard"]
    _description = "RV Request Taken on the Phone"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")

    # Who calls
    search_term = fields.Char(
        string="Find the customer",
        help="The caller's phone number in any form (210 7489589, +30 691 234 5678, 0030…), "
        "the customer's VAT number (ΑΦΜ, with or without EL) or a name.",
    )
    phone_normalized = fields.Char(string="Number", compute="_compute_found")
    found_partner_ids = fields.Many2many(
        "res.partner",
        string="Found contacts",
        compute="_compute_found",
        help="The companies and contacts whose phone, VAT number or name matched.",
    )
    customer_ids = fields.Many2many("res.partner", string="Matching customers", compute="_compute_found")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        check_company=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', customer_ids)]",
        help="The customer company (commercial entity) the request is made for.",
    )
    partner_has_active_contract = fields.Boolean(
        related="partner_id.support_has_active_contract", string="Active ESTES"
    )
    partner_user_id = fields.Many2one(related="partner_id.user_id", string="Account Manager")
    contact_ids = fields.Many2many("res.partner", string="Contacts", compute="_compute_contact_ids")

    # What the customer accepted, and who
    fault_id = fields.Many2one(
        "support.fault",
        string="Fault",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
        help="The reason for the call, from the fault catalogue: its actions and their cost "
        "are what the customer accepts.",
    )
    fault_description = fields.Html(related="fault_id.description")
    fault_line_ids = fields.One2many(related="fault_id.line_ids", string="Technical actions")
    duration = fields.Float(related="fault_id.duration")
    amount_untaxed = fields.Monetary(related="fault_id.amount_untaxed")
    amount_tax = fields.Monetary(related="fault_id.amount_tax")
    amount_total = fields.Monetary(related="fault_id.amount_total")
    accepted_by_id = fields.Many2one(
        "res.partner",
        string="Accepted by",
        compute="_compute_accepted_by_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('commercial_partner_id', '=', partner_id), ('is_company', '=', False)]",
        help="The customer's contact who accepted the cost on the phone.",
    )
    accepted_on = fields.Datetime(
        string="Accepted on",
        required=True,
        default=fields.Datetime.now,
        help="When the contact accepted the cost on the phone.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        compute="_compute_user_id",
        help="You: the acceptance records who took the call.",
    )

    # The request
    description = fields.Text(string="Customer's description")
    location = fields.Selection(
        # the request's places, which the wizard passes on to it
        selection=lambda self: self.env["support.request"]._fields["location"]._description_selection(self.env),
        required=True,
        compute="_compute_location",
        store=True,
        readonly=False,
        precompute=True,
    )
    installation_id = fields.Many2one(
        "support.installation",
        string="Installation",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
    )
    request_id = fields.Many2one("support.request", string="Request", readonly=True)

    _support_text_max_lengths = {"search_term": NAME_MAX_LENGTH, "description": DESCRIPTION_MAX_LENGTH}

    @api.depends("search_term")
    def _compute_found(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            term = wizard.search_term or ""
            if len(term) > NAME_MAX_LENGTH or forbidden_character(term, multiline=False):
                term = ""  # nothing that a phone, VAT number or name holds (saving it is refused)
            found = Partner._support_lookup(term)
            wizard.found_partner_ids = found
            wizard.customer_ids = found.commercial_partner_id
            wizard.phone_normalized = Partner._support_normalize_phone(term)

    @api.depends("search_term")
    def _compute_partner_id(self):
        for wizard in self:
            if not wizard.search_term:
                wizard.partner_id = wizard.partner_id
                continue
            customers = wizard.customer_ids._origin
            if len(customers) == 1:
                wizard.partner_id = customers
            elif wizard.partner_id._origin not in customers:
                wizard.partner_id = False

    @api.depends("partner_id")
    def _compute_contact_ids(self):
        for wizard in self:
            customer = wizard.partner_id._origin.commercial_partner_id
            contacts = customer.child_ids.filtered(lambda p: p.type == "contact" and not p.is_company)
            wizard.contact_ids = contacts or customer.filtered(lambda p: not p.is_company)

    @api.depends("partner_id", "search_term")
    def _compute_accepted_by_id(self):
        for wizard in self:
            customer = wizard.partner_id._origin.commercial_partner_id
            if wizard.accepted_by_id and wizard.accepted_by_id._origin.commercial_partner_id == customer:
                wizard.accepted_by_id = wizard.accepted_by_id
                continue
            # The caller found by their own phone number, else the only contact.
            callers = wizard.found_partner_ids._origin.filtered(
                lambda p, customer=customer: p.commercial_partner_id == customer and not p.is_company
            )
            candidates = callers or wizard.contact_ids._origin
            wizard.accepted_by_id = candidates if len(candidates) == 1 else False

    def _compute_user_id(self):
        self.user_id = self.env.user

    @api.depends("fault_id")
    def _compute_location(self):
        for wizard in self:
            if wizard.fault_id.location in ("onsite", "remote"):
                wizard.location = wizard.fault_id.location
            else:
                wizard.location = wizard.location or "remote"

    def action_register(self):
        """Register the request and its cost acceptance, then open the request.

        The rules are the request's (``support.request._intake``): its errors are shown
        as they are."""
        self.ensure_one()
        if self.request_id:  # registered already (a second click)
            return self._action_open_request()
        self.request_id = self.env["support.request"]._intake(
            "phone",
            self.env.user,
            {
                "company": self.company_id,
                "customer": self.partner_id.commercial_partner_id,
                "accepted_by": self.accepted_by_id,
                "accepted_on": self.accepted_on,
                "fault": self.fault_id,
                "amount_total": self.amount_total,  # the cost shown, read to the customer
                "description": self.description,
                "location": self.location,
                "installation": self.installation_id,
            },
        )
        return self._action_open_request()

    def _action_open_request(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "support.request",
            "res_id": self.request_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }
