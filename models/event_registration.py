from odoo import api, models


class EventRegistration(models.Model):
    _inherit = "event.registration"

    @api.model_create_multi
    def create(self, vals_list):
        registrations = super().create(vals_list)
        registrations._support_update_attendees()
        return registrations

    def write(self, vals):
        attendees = (
            self.partner_id if {"state", "partner_id", "event_id", "event_slot_id", "active"} & set(vals) else None
        )
        result = super().write(vals)
        if attendees is not None:
            (attendees | self.partner_id)._support_certification_changed()
        return result

    def unlink(self):
        attendees = self.partner_id
        result = super().unlink()
        attendees._support_certification_changed()
        return result

    def _support_update_attendees(self):
        """Attending an academy session counts towards the attendee's certification."""
        self.filtered(
            lambda r: r.state == "done" and r.event_id.is_support_academy
        ).partner_id._support_certification_changed()
