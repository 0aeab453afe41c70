from odoo import api, models


class SupportProductionOrder(models.Model):
    """'Complete your production order' when it is opened for the customer, and a letter
    for each change of its state."""

    _name = "support.production.order"
    _inherit = ["support.production.order", "support.letter.mixin"]

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._support_send_state_letters()
        return orders

    def write(self, vals):
        if "state" not in vals:
            return super().write(vals)
        before = {order.id: order.state for order in self}
        result = super().write(vals)
        changed = self.filtered(lambda order: before[order.id] != order.state)
        # An invoice cancelled in accounting puts the order back to accepted: nothing new
        # for the customer, who was told it is accepted already.
        changed = changed.filtered(lambda order: not (before[order.id] == "invoiced" and order.state == "accepted"))
        changed._support_send_state_letters()
        return result

    def _support_send_state_letters(self):
        """The letter of each order's current state: to complete it in draft, the news otherwise."""
        drafts = self.filtered(lambda order: order.state == "draft")
        drafts._support_post_letter("certified_support.mail_template_production_order_complete")
        (self - drafts)._support_post_letter("certified_support.mail_template_production_order_state")
