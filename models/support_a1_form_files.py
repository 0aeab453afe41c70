from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..input_bounds import MAX_A1_FILES


class SupportA1Form(models.Model):
    """Photos and files the technician attaches to the A1 Form in the Technical Diary:
    part of the evidence of the meeting, shown to the customer with the form. Added until
    the customer signs; then they are kept as they are (see ir_attachment.py and write())."""

    _inherit = "support.a1.form"

    file_ids = fields.Many2many(
        "ir.attachment",
        "support_a1_form_file_rel",
        "a1_form_id",
        "attachment_id",
        string="Photos and files",
        copy=False,
        readonly=True,
        help="Photos and files the technician attached in the Technical Diary (images and PDF).",
    )

    @api.constrains("file_ids")
    def _check_file_count(self):
        for form in self:
            if len(form.file_ids) > MAX_A1_FILES:
                raise ValidationError(
                    self.env._("An A1 Form holds %(max)s photos and files at most.", max=MAX_A1_FILES)
                )
