from odoo import api, fields, models


class SupportDocument(models.AbstractModel):
    """A document of the procedure: the request, the A1 Form, the production order, the
    ESTES contract and the cooperation contract.

    Each is numbered when created in its company's yearly sequence (``ir.sequence`` code =
    the model's name, ``ir_sequence.SUPPORT_SEQUENCES``), and followed in the chatter with its
    activities. Each defines its own states and writes them in its transitions only.
    """

    _name = "support.document"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Support Document"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(string="Number", required=True, readonly=True, copy=False, default="/", index="trigram")

    @api.model_create_multi
    def create(self, vals_list):
        Sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = Sequence._support_next(self._name, self._support_document_company(vals)) or "/"
        return super().create(vals_list)

    @api.model
    def _support_document_company(self, vals):
        """The company whose sequence numbers the document created from ``vals``."""
        return self.env["res.company"].browse(vals.get("company_id")) or self.env.company
