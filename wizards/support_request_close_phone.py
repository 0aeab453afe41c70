from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.rating.models.rating_data import (
    RATING_HAPPY_VALUE,
    RATING_NEUTRAL_VALUE,
    RATING_UNHAPPY_VALUE,
)

from ..input_bounds import LONG_TEXT_MAX_LENGTH


class SupportRequestClosePhone(models.TransientModel):
    """The account manager calls the customer who did not rate (step 8)."""

    _name = "support.request.close.phone"
    _inherit = ["support.input.guard"]
    _description = "Close an RV Request by Phone"

    request_id = fields.Many2one("support.request", string="Request", required=True, readonly=True)
    partner_id = fields.Many2one(related="request_id.partner_id")
    outcome = fields.Selection(
        [("rated", "The customer gave their satisfaction"), ("unreached", "Customer could not be reached")],
        required=True,
        default="rated",
    )
    rating = fields.Selection(
        [
            (str(RATING_HAPPY_VALUE), "Happy"),
            (str(RATING_NEUTRAL_VALUE), "Neutral"),
            (str(RATING_UNHAPPY_VALUE), "Unhappy"),
        ],
        string="Satisfaction",
        help="The same scale as the customer's rating links.",
    )
    feedback = fields.Text(string="Comment")
    contact_id = fields.Many2one(
        "res.partner",
        string="Answered by",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Called by",
        required=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    attempts = fields.Integer(string="Call attempts", default=1)
    phones = fields.Char(string="Phone numbers", compute="_compute_phones")

    _support_text_max_lengths = {"feedback": LONG_TEXT_MAX_LENGTH}

    @api.depends("request_id")
    def _compute_phones(self):
        for wizard in self:
            wizard.phones = ", ".join(wizard.request_id._support_customer_phones()) if wizard.request_id else False

    @api.onchange("request_id")
    def _onchange_request_id(self):
        if self.request_id and not self.contact_id:
            self.contact_id = self.request_id.contact_id

    def action_confirm(self):
        self.ensure_one()
        request = self.request_id
        request.check_access("write")
        if request.state not in ("done", "to_close_by_phone"):
            raise UserError(self.env._("Only a request waiting for the customer's rating can be closed by phone."))
        if self.outcome == "rated":
            self._record_rating()
        else:
            self._record_unreached()
        request.activity_unlink(["certified_support.mail_activity_close_by_phone"])
        return {"type": "ir.actions.act_window_close"}

    def _record_rating(self):
        request = self.request_id
        if not self.rating:
            raise UserError(self.env._("Choose the satisfaction the customer gave."))
        if not self.contact_id:
            raise UserError(self.env._("Who answered the phone?"))
        if self.contact_id.commercial_partner_id != request.partner_id:
            raise UserError(self.env._("%s is not a contact of the customer.", self.contact_id.display_name))
        # Staff may not write ratings (they are the customer's): the wizard records what the
        # customer said, after the access check on the request above.
        rating = (
            self.env["rating.rating"]
            # sudo: staff write no ratings; this records what the customer said on the phone
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id(request._name),
                    "res_id": request.id,
                    "partner_id": self.contact_id.id,
                    "rated_partner_id": request._rating_get_operator().id,
                    "support_source": "phone",
                    "support_phone_contact_id": self.contact_id.id,
                    "support_called_by_id": self.user_id.id,
                    "is_internal": False,
                }
            )
        )
        request.sudo().rating_apply(  # ratings are written only here and by the token
            int(self.rating),
            rating=rating,
            feedback=self.env._(
                "By phone (%(contact)s, called by %(user)s): %(feedback)s",
                contact=self.contact_id.name,
                user=self.user_id.name,
                feedback=self.feedback or "-",
            ),
        )

    def _record_unreached(self):
        request = self.request_id
        if self.attempts < 1:
            raise UserError(self.env._("Enter how many times you called."))
        request._action_close(close_attempts=self.attempts)
        request.message_post(
            body=Markup("%s")
            % self.env._(
                "Closed without a rating: the customer could not be reached after %(attempts)s call(s) by %(user)s.",
                attempts=self.attempts,
                user=self.user_id.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
