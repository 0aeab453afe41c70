from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..input_bounds import MAX_MEETING_HOURS, check_date_window


class SupportRequestSchedule(models.TransientModel):
    """Step 5: the account manager books the meeting agreed with the customer."""

    _name = "support.request.schedule"
    _inherit = ["support.input.guard"]
    _description = "Schedule an RV Request"

    request_id = fields.Many2one("support.request", required=True, readonly=True)
    partner_id = fields.Many2one(related="request_id.partner_id")
    start = fields.Datetime(string="Day and hour", required=True)
    duration = fields.Float(required=True, compute="_compute_duration", store=True, readonly=False, precompute=True)
    location = fields.Selection(
        # the request's places, which the wizard passes on to it
        selection=lambda self: self.env["support.request"]._fields["location"]._description_selection(self.env),
        required=True,
        compute="_compute_location",
        store=True,
        readonly=False,
        precompute=True,
    )
    address = fields.Char(
        compute="_compute_address",
        store=True,
        readonly=False,
        precompute=True,
        help="Where the technician meets the customer, or how the remote session is held.",
    )
    allowed_technician_ids = fields.Many2many("res.partner", compute="_compute_allowed_technician_ids")
    technician_id = fields.Many2one(
        "res.partner",
        string="Technician",
        required=True,
        compute="_compute_technician_id",
        store=True,
        readonly=False,
        precompute=True,
        domain="[('id', 'in', allowed_technician_ids)]",
    )

    @api.depends("request_id")
    def _compute_duration(self):
        for wizard in self:
            event = wizard.request_id.event_id
            wizard.duration = event.duration if event else (wizard.request_id.fault_id.duration or 1.0)

    @api.depends("request_id")
    def _compute_location(self):
        for wizard in self:
            wizard.location = wizard.request_id.location

    @api.depends("location", "request_id")
    def _compute_address(self):
        for wizard in self:
            if wizard.request_id.meeting_address and wizard.location == wizard.request_id.location:
                wizard.address = wizard.request_id.meeting_address
            elif wizard.location == "onsite":
                partner = wizard.request_id.partner_id
                wizard.address = ", ".join(p for p in (partner.street, partner.city, partner.zip) if p)
            else:
                wizard.address = self.env._("Remote session")

    @api.depends("request_id")
    def _compute_allowed_technician_ids(self):
        for wizard in self:
            wizard.allowed_technician_ids = wizard.request_id._get_allowed_technicians()

    @api.depends("request_id")
    def _compute_technician_id(self):
        for wizard in self:
            wizard.technician_id = wizard.request_id.technician_id

    def action_confirm(self):
        self.ensure_one()
        request = self.request_id
        if request.state not in ("to_schedule", "scheduled"):
            raise UserError(self.env._("Only a request to schedule can be scheduled."))
        if self.duration <= 0:
            raise UserError(self.env._("The meeting needs a positive duration."))
        if self.duration > MAX_MEETING_HOURS:
            raise UserError(
                self.env._(
                    "A meeting lasts %(hours)s hours at most: check when it started and ended.", hours=MAX_MEETING_HOURS
                )
            )
        check_date_window(self, "start")
        customer = request.contact_id or request.partner_id
        attendees = customer | self.technician_id | request.user_id.partner_id
        values = {
            "name": self.env._(
                "%(request)s: %(fault)s – %(customer)s",
                request=request.name,
                fault=request.fault_id.name,
                customer=request.partner_id.name,
            ),
            "start": self.start,
            "stop": self.start + timedelta(hours=self.duration),
            "duration": self.duration,
            "location": self.address,
            "partner_ids": [fields.Command.set(attendees.ids)],
            "user_id": request.user_id.id or self.env.uid,
            "res_model_id": self.env["ir.model"]._get_id("support.request"),
            "res_id": request.id,
            "description": request.description or "",
        }
        if request.event_id:
            request.event_id.write(values)
        else:
            request.event_id = self.env["calendar.event"].create(values)
        request._action_schedule(self.technician_id, self.location, self.address)
        return {"type": "ir.actions.act_window_close"}
