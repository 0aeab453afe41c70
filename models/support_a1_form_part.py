from odoo import api, models


class SupportA1FormPart(models.AbstractModel):
    """A part of an A1 Form (its services, its recommendations): locked with the form.

    The concrete model defines ``a1_form_id``.
    """

    _name = "support.a1.form.part"
    _description = "Part of an A1 Form"

    @api.model_create_multi
    def create(self, vals_list):
        form_ids = [vals["a1_form_id"] for vals in vals_list if vals.get("a1_form_id")]
        self.env["support.a1.form"].browse(form_ids)._check_not_signed()
        return super().create(vals_list)

    def write(self, vals):
        forms = self.a1_form_id
        if vals.get("a1_form_id"):
            forms |= self.env["support.a1.form"].browse(vals["a1_form_id"])  # nor moved onto a signed form
        forms._check_not_signed()
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_if_not_signed(self):
        if not self.env["support.a1.form"]._support_uninstalling():
            self.a1_form_id._check_not_signed()
