from odoo import api, fields, models

# A filed A1 Form still unsigned after this many working days: one reminder to the customer.
SIGN_REMINDER_WORKING_DAYS = 2
# ... and after this many, the account manager is asked to follow it up.
SIGN_ESCALATION_WORKING_DAYS = 5


class SupportA1Form(models.Model):
    """'Your A1 Form is ready to sign': the letter when the technician files it, one
    reminder 2 working days later if it is still unsigned, and the account manager's
    activity after 5 working days (company calendar, Greek public holidays skipped)."""

    _name = "support.a1.form"
    _inherit = ["support.a1.form", "support.letter.mixin"]

    sign_reminder_sent_on = fields.Datetime(
        string="Signature reminder sent on",
        readonly=True,
        copy=False,
        help="The one reminder sent to the customer when the form was still unsigned 2 working days after filing.",
    )
    sign_escalated_on = fields.Datetime(
        string="Unsigned, account manager told on",
        readonly=True,
        copy=False,
        help="When the account manager was given an activity because the form was still unsigned 5 working "
        "days after filing.",
    )

    # the daily reminder cron reads the filed forms only (filed_on: support_a1_form_document.py)
    _filed_on_idx = models.Index("(filed_on) WHERE state = 'filed'")

    def action_file(self):
        result = super().action_file()  # records filed_on: the working days to sign count from then
        self._support_post_letter("certified_support.mail_template_a1_ready_to_sign")
        return result

    # ------------------------------------------------------------------
    # Daily cron: reminder after 2 working days, account manager after 5
    # ------------------------------------------------------------------

    @api.model
    def _cron_remind_unsigned(self):
        """Daily, set-based: per company, one search for the filed forms unsigned for 2
        working days and not reminded yet, one for those unsigned for 5 and not escalated."""
        now = fields.Datetime.now()
        Request = self.env["support.request"]
        Form = self.sudo()  # a system cron over every company
        # sudo: every company with a working calendar, for the cron
        for company in self.env["res.company"].sudo().search([("resource_calendar_id", "!=", False)]):
            calendar = company.resource_calendar_id
            cutoff = Request._support_escalation_cutoff(calendar, now, SIGN_REMINDER_WORKING_DAYS)
            if cutoff:
                Form._support_lock_filed(
                    [
                        ("company_id", "=", company.id),
                        ("state", "=", "filed"),
                        ("filed_on", "<", cutoff),
                        ("sign_reminder_sent_on", "=", False),
                    ]
                )._support_send_sign_reminder()
            cutoff = Request._support_escalation_cutoff(calendar, now, SIGN_ESCALATION_WORKING_DAYS)
            if cutoff:
                Form._support_lock_filed(
                    [
                        ("company_id", "=", company.id),
                        ("state", "=", "filed"),
                        ("filed_on", "<", cutoff),
                        ("sign_escalated_on", "=", False),
                    ]
                )._support_escalate_unsigned()

    def _support_lock_filed(self, domain):
        """The forms of ``domain``, less those another transaction holds (a customer
        signing right now): read again once locked, in case they were signed meanwhile."""
        candidates = self.search(domain, order="filed_on, id")
        locked = candidates.try_lock_for_update()
        return self.search([("id", "in", locked.ids)] + domain, order="id")

    def _support_send_sign_reminder(self):
        self.write({"sign_reminder_sent_on": fields.Datetime.now()})
        self._support_post_letter("certified_support.mail_template_a1_sign_reminder")

    def _support_escalate_unsigned(self):
        """One activity per form for its request's account manager (the administrator
        when the customer has none), in the manager's language."""
        self.write({"sign_escalated_on": fields.Datetime.now()})
        admin = self.env.ref("base.user_admin")
        for form in self:
            user = form.request_id.user_id or admin
            form.activity_schedule(
                "certified_support.mail_activity_a1_unsigned",
                user_id=user.id,
                note=form.with_context(lang=user.lang).env._(
                    "%(customer)s has not signed the A1 Form %(form)s 5 working days after it was filed, "
                    "despite the reminder: call them and ask them to sign it.",
                    customer=(form.contact_id or form.partner_id).display_name,
                    form=form.name,
                ),
            )
