from odoo import api, models


class SupportCertificationInput(models.AbstractModel):
    """A record the certification engine reads (an installation, a cooperation contract, an
    academy attendance, a customer's rating, the technician itself).

    Its model declares which of its fields the engine reads
    (``_support_certification_inputs``) and whose certification the record counts for
    (``_support_certification_partners()``). Creating such a record, changing one of those
    fields or deleting it marks the partners concerned before and after for the engine
    (``res.partner._support_certification_changed()``), whoever does it.
    """

    _name = "support.certification.input"
    _description = "Input of the certification of partner technicians"

    # The fields of the model that the engine reads (``support.certification.engine._collect``)
    _support_certification_inputs = frozenset()

    def _support_certification_partners(self):
        """The partners whose certification these records count for (technicians, or
        firms: the engine evaluates all their technicians)."""
        return self.env["res.partner"]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._support_certification_partners()._support_certification_changed()
        return records

    def write(self, vals):
        before = None
        if self._support_certification_inputs & set(vals):
            before = self._support_certification_partners()
        result = super().write(vals)
        if before is not None:
            (before | self._support_certification_partners())._support_certification_changed()
        return result

    def unlink(self):
        partners = self._support_certification_partners()
        result = super().unlink()
        partners._support_certification_changed()
        return result
