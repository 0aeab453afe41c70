from odoo import api, models


class RatingRating(models.Model):
    _inherit = "rating.rating"

    @api.model_create_multi
    def create(self, vals_list):
        ratings = super().create(vals_list)
        ratings._support_update_rated_technicians()
        return ratings

    def write(self, vals):
        watched = {"rating", "consumed", "rated_partner_id", "res_id", "res_model_id", "rated_on"}
        before = self._support_rated_technicians() if watched & set(vals) else None
        result = super().write(vals)
        if before is not None:
            (before | self._support_rated_technicians())._support_update_certification()
        return result

    def unlink(self):
        technicians = self._support_rated_technicians()
        result = super().unlink()
        technicians._support_update_certification()
        return result

    def _support_rated_technicians(self):
        """The technicians rated through RV requests (their satisfaction score)."""
        return self.sudo().filtered(lambda r: r.res_model == "support.request").rated_partner_id

    def _support_update_rated_technicians(self):
        self.filtered("consumed")._support_rated_technicians()._support_update_certification()
