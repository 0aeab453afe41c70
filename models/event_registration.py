from odoo import models


class EventRegistration(models.Model):
    _name = "event.registration"
    _inherit = ["event.registration", "support.certification.input"]

    _support_certification_inputs = frozenset({"state", "partner_id", "event_id", "event_slot_id", "active"})

    def _support_certification_partners(self):
        """Attending an academy session counts towards the attendee's certification."""
        return self.filtered(lambda r: r.state == "done" and r.event_id.is_support_academy).partner_id
