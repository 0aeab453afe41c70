import base64

from odoo import models


class SupportA1Form(models.Model):
    """Step 8 starts when the customer signs: the rating request goes out."""

    _inherit = "support.a1.form"

    def _sign(self, *args, **kwargs):
        result = super()._sign(*args, **kwargs)
        # A correction is the same meeting: the customer was asked to rate it already.
        self.filtered(lambda f: not f.correction_of_id).request_id._support_send_rating_request()
        return result

    def _support_rating_url(self):
        """The rating page of the request (the "happy" score preselected, the customer may
        change it there), for the QR code of the acceptance page; False once rated."""
        self.ensure_one()
        request = self.request_id.sudo()  # printed for the customer and the technician
        # Only on the signed page: an unsigned A1 Form hands out no rating link (step 7 before 8).
        if self.state != "signed" or not request._support_awaits_rating() or request.support_escalated_on:
            return False
        token = request._rating_get_access_token()
        return f"{request.get_base_url()}/rate/{token}/5"

    def _support_rating_qr_data_uri(self):
        """The QR code of the rating link, inline (the PDF is rendered without HTTP)."""
        self.ensure_one()
        url = self._support_rating_url()
        if not url:
            return False
        png = self.env["ir.actions.report"].barcode("QR", url, width=220, height=220)
        return f"data:image/png;base64,{base64.b64encode(png).decode()}"
