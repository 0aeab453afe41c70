from odoo import fields, models


class EventEvent(models.Model):
    _inherit = "event.event"

    is_support_academy = fields.Boolean(
        string="Pigasos Academy session",
        index=True,
        help="A training session of the vendor's academy: attending it (registration marked "
        "as attended) counts towards the certification of partner technicians.",
    )

    def write(self, vals):
        result = super().write(vals)
        if {"is_support_academy", "date_begin", "date_end", "active"} & set(vals):
            # Recompute every attendee's certification, whoever edits the session.
            registrations = (
                # sudo: every attendee's certification is recomputed, whoever edits the session
                self.env["event.registration"].sudo().search([("event_id", "in", self.ids), ("state", "=", "done")])
            )
            registrations.partner_id._support_certification_changed()
        return result
