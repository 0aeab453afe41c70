from odoo import api, fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    support_estes_activation = fields.Boolean(
        string="ESTES activation",
        help="Opened because the customer asked for support without an active ESTES contract.",
    )
    # Only support staff read requests (and, through them, cost acceptances): a salesperson
    # without support rights opens the opportunity without this field.
    support_request_ids = fields.One2many(
        "support.request",
        "lead_id",
        string="Waiting requests",
        groups="certified_support.group_support_user",
    )

    def action_set_lost(self, **additional_values):
        """Without an ESTES the waiting requests are refused and the customer told in writing."""
        res = super().action_set_lost(**additional_values)
        # sudo: sales users close the loop on the requests they could not rescue, without
        # being support users themselves; only the waiting requests of these leads are refused.
        requests = self.sudo().support_request_ids
        waiting = requests.filtered(lambda r: r.state == "waiting_contract")
        waiting._refuse_without_contract()
        return res

    @api.model
    def _support_estes_activation_lead(self, partner, salesperson, company):
        """The customer's open "ESTES activation" opportunity, created when it has none.

        Called by the procedure (a request waiting for a contract, the customer asking
        sales to call from the portal) on a privileged recordset: the caller decided that
        the customer needs one.
        """
        lead = self._support_open_estes_leads(partner).get(partner)
        if not lead:
            lead = self.create(
                {
                    "name": self.env._("ESTES activation – %s", partner.name),
                    "type": "opportunity",
                    "partner_id": partner.id,
                    "user_id": salesperson.id,
                    "company_id": company.id,
                    "support_estes_activation": True,
                    "description": self.env._(
                        "The customer asked for support without an active ESTES contract. "
                        "Activate a contract to let the waiting requests go on."
                    ),
                }
            )
        return lead

    @api.model
    def _support_open_estes_leads(self, partners):
        """``{partner: its oldest open "ESTES activation" opportunity}``, in one query."""
        leads = {}
        for lead in self.search(
            [
                ("partner_id", "in", partners.ids),
                ("support_estes_activation", "=", True),
                ("type", "=", "opportunity"),
                ("won_status", "=", "pending"),
            ],
            order="id",
        ):
            leads.setdefault(lead.partner_id, lead)
        return leads

    def _support_ask_to_call(self, contact):
        """The customer asked from the portal to be called about an ESTES contract: a
        "Call" activity for the salesperson, unless one is already waiting."""
        call = self.env.ref("mail.mail_activity_data_call")
        for lead in self:
            lead.message_post(
                body=self.env._("%s asked from the portal to be called about an ESTES contract.", contact.display_name),
                subtype_xmlid="mail.mt_note",
            )
            if not lead.activity_ids.filtered(lambda a: a.activity_type_id == call):
                lead.activity_schedule(
                    "mail.mail_activity_data_call",
                    user_id=(lead.user_id or self.env.ref("base.user_admin")).id,
                    note=self.env._(
                        "Call %(contact)s (%(phone)s) about an ESTES support contract.",
                        contact=contact.display_name,
                        phone=contact.phone or contact.commercial_partner_id.phone or "-",
                    ),
                )
