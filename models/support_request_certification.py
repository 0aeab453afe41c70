from odoo import api, models
from odoo.exceptions import ValidationError


class SupportRequest(models.Model):
    """The partner network's part of RV requests: only currently certified technicians are
    assigned (the scheduling wizard offers only them, the server refuses the others), and
    the customer's rating rates the technician."""

    _inherit = "support.request"

    def _get_allowed_technicians(self):
        """Technicians with access to the partner section who are certified today."""
        return super()._get_allowed_technicians().filtered("support_certified")

    @api.constrains("technician_id")
    def _check_technician(self):
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
        return super()._check_technician()

    def _rating_get_operator(self):
        """The customer rates the technician who handled the request (``rated_partner_id``
        of the rating): that is the satisfaction score of certification."""
        self.ensure_one()
        return self.technician_id or super()._rating_get_operator()
