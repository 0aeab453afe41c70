from odoo import api, fields, models


class SupportA1FormPart(models.AbstractModel):
    """A part of an A1 Form (its services, its recommendations): in the form's order, in
    its company and currency, and locked with the form once signed."""

    _name = "support.a1.form.part"
    _description = "Part of an A1 Form"
    _order = "a1_form_id, sequence, id"

    a1_form_id = fields.Many2one("support.a1.form", string="A1 Form", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="a1_form_id.company_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="a1_form_id.currency_id")

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
