from odoo import api, fields, models
from odoo.exceptions import UserError


class SupportRequestExtra(models.Model):
    """An additional action proposed during the meeting (step 6).

    It counts only once the customer has accepted its cost: the acceptance is a
    cost acceptance of its own, like the request's.
    """

    _name = "support.request.extra"
    _inherit = ["support.priced.line"]
    _description = "Extra Action"
    _order = "request_id, id"

    request_id = fields.Many2one("support.request", string="Request", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True, precompute=True)
    partner_id = fields.Many2one(related="request_id.partner_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="request_id.currency_id")
    proposed_by_id = fields.Many2one("res.partner", string="Proposed by", default=lambda self: self.env.user.partner_id)
    state = fields.Selection(
        [("proposed", "Waiting for the customer"), ("accepted", "Accepted"), ("refused", "Refused")],
        default="proposed",
        required=True,
        readonly=True,
        index=True,
    )
    acceptance_id = fields.Many2one("support.acceptance", string="Acceptance", readonly=True, copy=False)

    # Proposed twice, the customer could accept and pay it twice.
    _proposed_once = models.UniqueIndex(
        "(request_id, product_id, quantity) WHERE state = 'proposed'",
        "This extra action is already proposed and waits for the customer's answer.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        extras = super().create(vals_list)
        # Proposed by the technician (portal) or recorded by the support team: the customer
        # gets the letter with the cost and the link to accept or decline.
        extras.filtered(lambda e: e.state == "proposed").request_id._support_send_extra_proposals()
        return extras

    def write(self, vals):
        """A proposed extra action may change until the customer answers; the answer is
        written once, by ``_accept()`` (with its acceptance) or ``_refuse()``, whoever calls."""
        if self.filtered(lambda e: e.state != "proposed"):
            raise UserError(self.env._("An extra action the customer has answered cannot be changed."))
        state = vals.get("state", "proposed")
        if state not in ("proposed", "accepted", "refused") or (state == "accepted") != bool(vals.get("acceptance_id")):
            raise UserError(
                self.env._("The customer's answer to an extra action is recorded by accepting or declining it.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_proposed(self):
        if any(extra.state == "accepted" for extra in self):
            raise UserError(self.env._("An accepted extra action cannot be deleted."))

    def _accept(self, accepted_by, channel, ip_address=None):
        """Record the customer's acceptance of each proposed extra action."""
        if any(extra.state != "proposed" for extra in self):
            raise UserError(self.env._("This extra action has already been answered."))
        for extra in self:
            acceptance = self.env["support.acceptance"]._record(
                extra.request_id._prepare_acceptance_values(accepted_by, channel, ip_address, kind="extra", lines=extra)
            )
            extra.write({"state": "accepted", "acceptance_id": acceptance.id})
            extra.request_id.message_post(
                body=self.env._(
                    "Extra action %(action)s accepted by %(contact)s for %(amount)s.",
                    action=extra.name,
                    contact=accepted_by.name,
                    amount=extra.currency_id.format(extra.price_total),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_accept_by_phone(self):
        """Staff record the acceptance the customer's contact gave on the phone."""
        for extra in self:
            request = extra.request_id
            extra._accept(request.contact_id or request.partner_id, "phone")
        return True

    def _refuse(self):
        if any(extra.state != "proposed" for extra in self):
            raise UserError(self.env._("This extra action has already been answered."))
        self.state = "refused"
