from datetime import timedelta

from odoo import api, fields, models


class SupportRequest(models.Model):
    """The managers' reporting of RV requests: since when each request is in its state (the
    requests stuck longest) and a red card on the account manager's board when scheduling
    is overdue."""

    _inherit = "support.request"

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
