from datetime import timedelta

from odoo import api, fields, models


class SupportRequest(models.Model):
    """The managers' reporting of RV requests: since when each request is in its state (the
    requests stuck longest) and a red card on the account manager's board when scheduling
    is overdue."""

    _inherit = "support.request"

    state_date = fields.Datetime(
        string="In this state since", compute="_compute_state_date", store=True, index=True,
        help="When the request entered its current state.",
    )
    support_days_in_state = fields.Integer(
        string="Days in state", compute="_compute_support_days_in_state",
        help="Days since the request entered its current state.",
    )
    support_kanban_color = fields.Integer(compute="_compute_support_kanban_color")

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
