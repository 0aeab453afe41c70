from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

ESCALATION_WORKING_DAYS = 3
# A rating of 1 or 2 out of 5 opens a corrective action.
CORRECTIVE_RATING_MAX = 2
ESCALATION_BATCH_SIZE = 10000
ESCALATION_MAIL_ROWS = 50  # requests listed in an account manager's e-mail, the rest counted
REMINDER_INTERVAL = timedelta(days=1)


class SupportRequest(models.Model):
    """Step 8: the customer's satisfaction. The signed A1 Form sends Odoo's rating request;
    every rating closes the request and tells the account manager; after 3 working days
    without a rating the request goes to the account manager to close by phone."""

    _name = "support.request"
    _inherit = ["rating.mixin", "support.request"]

    state = fields.Selection(
        selection_add=[("to_close_by_phone", "To close by phone"), ("closed",)],
        ondelete={"to_close_by_phone": lambda requests: requests.write({"state": "done"})},
    )
    # A new request has no rating: 0 before the INSERT instead of a query and an UPDATE after.
    rating_last_value = fields.Float(compute="_compute_rating_last_value", store=True, precompute=True)
    support_signed_on = fields.Datetime(
        # searched with state 'done' only: _state_signed_idx is its index
        string="A1 Form signed on",
        compute="_compute_support_signed_on",
        store=True,
        help="When the customer first signed the request's A1 Form (signing a correction later does not "
        "change it): the 3 working days to rate start then.",
    )
    support_rating_reminder_date = fields.Datetime(
        string="Last rating reminder",
        readonly=True,
        copy=False,
    )
    support_escalated_on = fields.Datetime(string="Escalated on", readonly=True, copy=False)
    support_corrective_state = fields.Selection(
        [("open", "Open"), ("done", "Done")],
        string="Corrective action",
        readonly=True,
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="Opened by a rating of 1 or 2 out of 5: a support manager finds why the customer is "
        "unhappy and marks the activity done with what was done.",
    )
    support_close_attempts = fields.Integer(
        string="Call attempts",
        readonly=True,
        copy=False,
        help="How many times the account manager called without reaching the customer.",
    )

    _state_signed_idx = models.Index("(state, support_signed_on) WHERE state = 'done'")

    @api.depends("a1_form_ids.state", "a1_form_ids.signed_on")
    def _compute_support_signed_on(self):
        for request in self:
            # The first signature of the meeting's A1 Form: signing a correction later does
            # not restart the customer's time to rate (nor send a second rating request).
            signed = request.a1_form_ids.filtered(lambda f: f.state in ("signed", "corrected") and f.signed_on)
            request.support_signed_on = min(signed.mapped("signed_on")) if signed else False

    # ------------------------------------------------------------------
    # Rating configuration (rating.mixin)
    # ------------------------------------------------------------------

    def _rating_get_partner(self):
        """The contact person who asked for support, or else the customer company."""
        self.ensure_one()
        return self.contact_id or self.partner_id

    def _rating_apply_get_default_subtype_id(self):
        return self.env["ir.model.data"]._xmlid_to_res_id("certified_support.mt_request_rating")

    def _support_awaits_rating(self):
        """Signed, not rated, not escalated: the customer's rating links are valid."""
        self.ensure_one()
        return self.state == "done" and bool(self.support_signed_on)

    def _support_rating_link_open(self):
        """The customer's rating links work: the A1 Form is signed (step 7 before step 8)
        and the request was not escalated; a rated request may still change its feedback."""
        self.ensure_one()
        return bool(self.support_signed_on) and not self.support_escalated_on and self.state in ("done", "closed")

    def _support_rating_portal_token(self):
        """The rating token for the "Rate this support" buttons of the portal page, or False."""
        self.ensure_one()
        if not self._support_awaits_rating():
            return False
        return self.sudo()._rating_get_access_token()  # the page checked the customer's access

    def message_post(self, **kwargs):
        # Ratings of requests come only from the rating links and the phone wizard, never
        # from a chatter message that carries a score.
        kwargs.pop("rating_value", None)
        return super().message_post(**kwargs)

    def rating_apply(self, rate, token=None, rating=None, feedback=None, subtype_xmlid=None, notify_delay_send=False):
        self.ensure_one()
        if token and not rating:
            rating = self.env["rating.rating"].search([("access_token", "=", token)], limit=1)
        if rating and rating.support_source != "phone" and self.support_escalated_on:
            raise UserError(self.env._("This request is being closed by phone: the rating link is no longer valid."))
        rating = super().rating_apply(
            rate,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        self._support_on_rating_submitted(rating)
        return rating

    def _support_on_rating_submitted(self, rating):
        """Every submitted rating closes the request and tells the account manager."""
        self.ensure_one()
        if self.state in ("done", "to_close_by_phone"):
            self.sudo().write({"state": "closed"})  # the customer's rating closes the request
            self.sudo().activity_unlink(
                ["certified_support.mail_activity_close_by_phone"]
            )  # the AM's to-do, ended by the customer
        template = self.env.ref(
            "certified_support.mail_template_request_rated"
        ).sudo()  # customers may not read mail templates
        if self.user_id and rating.support_source != "phone":  # by phone, the manager gave it
            template.with_context(support_rating_id=rating.id).send_mail(self.id)
        if rating.rating <= CORRECTIVE_RATING_MAX and self.support_corrective_state != "open":
            self._support_open_corrective_action(rating)

    def _support_corrective_user(self):
        """Who handles the corrective actions of this request's company."""
        self.ensure_one()
        company = self.company_id
        if company.support_corrective_user_id:
            return company.support_corrective_user_id
        # sudo: the group's members, whoever's rating (the public link) asks
        managers = (
            self.env.ref("certified_support.group_support_manager")
            .sudo()
            .all_user_ids.filtered(lambda u: not u.share and company in u.company_ids and u.id != SUPERUSER_ID)
        )
        return managers.sorted("id")[:1] or self.user_id or self.env.ref("base.user_admin")

    def _support_open_corrective_action(self, rating):
        """ISO 9001 §10.2: an unhappy customer opens a corrective action, tracked until a
        support manager marks it done with what was done."""
        self.ensure_one()
        user = self._support_corrective_user()
        request = self.sudo().with_context(lang=user.lang)  # the customer's rating opens it (public link)
        request.support_corrective_state = "open"
        request.activity_schedule(
            "certified_support.mail_activity_corrective_action",
            user_id=user.id,
            note=request.env._(
                "%(customer)s rated the support of %(technician)s %(score)s out of 5: %(feedback)s",
                customer=rating.partner_id.display_name or self.partner_id.display_name,
                technician=self.technician_id.display_name or request.env._("no technician"),
                score=int(rating.rating),
                feedback=rating.feedback or request.env._("no comment"),
            ),
        )

    def _support_corrective_action_done(self):
        """The corrective action's activity was marked done (``mail.activity``)."""
        # sudo: the activity's assignee marks it done without write access to the request
        self.filtered(lambda r: r.support_corrective_state == "open").sudo().write(
            {"support_corrective_state": "done"}  # marking an activity done is the assignee's right
        )

    def _support_last_rating(self):
        self.ensure_one()
        return (
            self.env["rating.rating"]
            .sudo()
            .search(  # the rating, whoever asks (customer or staff)
                [("res_model", "=", self._name), ("res_id", "=", self.id), ("consumed", "=", True)],
                order="write_date desc, id desc",
                limit=1,
            )
        )

    # ------------------------------------------------------------------
    # Rating requests and reminders
    # ------------------------------------------------------------------

    def _support_send_rating_request(self):
        """Odoo's rating request by e-mail, with the rating token links (step 8)."""
        template = self.env.ref("certified_support.mail_template_request_rating")
        for request in self.sudo():  # the customer's signature triggers it from the portal
            if not request._support_awaits_rating():
                continue
            partner = request._rating_get_partner()
            request.rating_send_request(template, lang=partner.lang, force_send=False)

    def _support_send_rating_reminder(self):
        """The technician's reminder: at most one a day per request."""
        now = fields.Datetime.now()
        for request in self:
            if not request._support_awaits_rating():
                raise UserError(self.env._("Request %s is not waiting for a rating.", request.name))
            last = request.support_rating_reminder_date
            if last and now - last < REMINDER_INTERVAL:
                raise UserError(
                    self.env._(
                        "A reminder for %(request)s was already sent on %(date)s UTC: send the next one tomorrow.",
                        request=request.name,
                        date=fields.Datetime.to_string(last),
                    )
                )
        self.sudo().write({"support_rating_reminder_date": now})  # technicians cannot write requests; checked above
        self._support_send_rating_request()

    # ------------------------------------------------------------------
    # Escalation (3 working days without a rating)
    # ------------------------------------------------------------------

    @api.model
    def _support_escalation_cutoff(self, calendar, now, working_days=ESCALATION_WORKING_DAYS):
        """The latest signing time that is escalated at ``now``: a request signed before
        it has ``working_days`` (3 by default) whole working days of ``calendar`` (public
        holidays skipped) after the day of signing, all ended before ``now``. One
        computation per calendar, so the requests are then selected with a plain
        comparison in SQL. The A1 Form's signature reminders count their working days
        with it too (support_a1_form_letters.py)."""
        tz = pytz.timezone(calendar.tz or "UTC")
        now_utc = pytz.utc.localize(now) if not now.tzinfo else now.astimezone(pytz.utc)
        local_now = now_utc.astimezone(tz)
        end = tz.localize(datetime.combine(local_now.date() + timedelta(days=1), time.min))
        start = end - timedelta(days=60)
        ends_by_day = defaultdict(lambda: None)
        for interval_start, interval_stop, _meta in calendar._work_intervals_batch(start, end)[False]:
            day = interval_start.astimezone(tz).date()
            ends_by_day[day] = max(filter(None, [ends_by_day[day], interval_stop]))
        complete = sorted((day for day, stop in ends_by_day.items() if stop <= now_utc), reverse=True)
        if len(complete) < working_days:
            return None
        first_day = complete[working_days - 1]
        return tz.localize(datetime.combine(first_day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _cron_escalate_unrated(self, batch_size=None):
        """Hourly: unrated requests signed 3 working days ago go to the account manager to
        close by phone. Batches are committed with the cron progress API; rows another run
        holds are skipped; a request is escalated once, since it leaves the 'done' state."""
        batch_size = batch_size or ESCALATION_BATCH_SIZE
        now = fields.Datetime.now()
        Request = self.sudo()  # a system cron over every company
        for company in self.env["res.company"].sudo().search([]):  # pylint: disable=no-search-all  # sudo: every company, for the cron
            calendar = company.resource_calendar_id
            cutoff = self._support_escalation_cutoff(calendar, now) if calendar else None
            if not cutoff:
                continue
            domain = [
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("support_signed_on", "<", cutoff),
            ]
            remaining = Request.search_count(domain)  # for the progress only: counted once
            while True:
                candidates = Request.search(domain, order="support_signed_on, id", limit=batch_size)
                if not candidates:
                    break
                locked = candidates.try_lock_for_update()
                # A concurrent run (or a user) may have moved them meanwhile: read them again.
                batch = Request.search([("id", "in", locked.ids), ("state", "=", "done")], order="id")
                batch._support_escalate()
                remaining = max(0, remaining - len(batch))
                if self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining) <= 0:
                    return
                if not batch:
                    break  # every candidate is locked by another run: it escalates them

    def _support_escalate(self):
        """Escalate one batch, set-based: one write of the state, the rating links renewed in
        one UPDATE, one activity per request inserted together, and one e-mail per account
        manager listing their requests of the batch."""
        if not self:
            return
        # Everything the notes, activities and e-mails show, read once for the batch.
        self.fetch(["name", "user_id", "partner_id", "contact_id"])
        (self.partner_id | self.contact_id).fetch(["name", "complete_name", "phone"])
        # Tracking posts one message per record; the escalation is set-based, its trace is the
        # "Close by phone" activity (then its feedback) and the "Escalated on" date.
        self.with_context(tracking_disable=True).write(
            {"state": "to_close_by_phone", "support_escalated_on": fields.Datetime.now()}
        )
        self._support_renew_rating_tokens()
        admin = self.env.ref("base.user_admin")
        # In the account manager's language; a customer has many requests: one note each.
        notes = {}
        users_and_notes = []
        for request in self:
            user = request.user_id or admin
            key = (request.contact_id, request.partner_id, user.lang)
            if key not in notes:
                notes[key] = request.with_context(lang=user.lang)._support_close_by_phone_note()
            users_and_notes.append((user, notes[key]))
        self._support_schedule_activities("certified_support.mail_activity_close_by_phone", users_and_notes)
        self._support_mail_escalations()

    def _support_renew_rating_tokens(self):
        """The customer's rating links end here: the account manager takes over by phone.

        The pending ratings get new random tokens in one statement (``gen_random_uuid()``
        is a version 4 UUID from a cryptographic generator, as ``uuid4().hex`` of
        ``rating.rating``): writing them one by one through the ORM costs about 60 µs per
        rating, too slow for an escalation run over 100,000 requests."""
        Rating = self.env["rating.rating"]
        Rating.flush_model(["res_model", "res_id", "consumed", "access_token"])
        self.env.cr.execute(
            SQL(
                """UPDATE rating_rating
                  SET access_token = replace(gen_random_uuid()::text, '-', ''),
                      write_uid = %(uid)s, write_date = %(now)s
                WHERE res_model = %(model)s AND res_id = ANY(%(ids)s) AND consumed IS NOT TRUE
            RETURNING id""",
                uid=self.env.uid,
                now=fields.Datetime.now(),
                model=self._name,
                ids=self.ids,
            )
        )
        Rating.browse(row[0] for row in self.env.cr.fetchall()).invalidate_recordset(
            ["access_token", "write_uid", "write_date"]
        )

    def _support_mail_escalations(self):
        """One e-mail per account manager, all rendered at once, listing their requests."""
        by_user = self.filtered("user_id").grouped("user_id")
        if not by_user:
            return
        template = self.env.ref("certified_support.mail_template_request_close_by_phone")
        # The context is copied and hashed by every environment the rendering opens: it
        # carries only what an e-mail shows (how many, and the first ones), not every id.
        template.with_context(
            support_escalation_digest={
                user.id: (len(requests), tuple(requests[:ESCALATION_MAIL_ROWS].ids))
                for user, requests in by_user.items()
            }
        ).send_mail_batch(list(user.id for user in by_user))

    def _support_escalation_digest(self, user):
        """For the e-mail template: how many requests of the batch came to ``user``, and the
        first of them (``ESCALATION_MAIL_ROWS``) to list."""
        count, ids = (self.env.context.get("support_escalation_digest") or {}).get(user.id, (0, ()))
        return count, self.browse(ids)

    def _support_customer_phones(self):
        """The phone numbers the account manager may call: contact, then company."""
        self.ensure_one()
        phones = []
        for partner in self.contact_id | self.partner_id:
            if partner.phone and partner.phone not in phones:
                phones.append(partner.phone)
        return phones

    def _support_close_by_phone_note(self):
        self.ensure_one()
        phones = self._support_customer_phones()
        return self.env._(
            "No rating from %(customer)s 3 working days after the A1 Form was signed. "
            "Call and ask for their satisfaction: %(phones)s",
            customer=self._rating_get_partner().complete_name,  # stored: no display name to compute
            phones=", ".join(phones) or self.env._("no phone number on file"),
        )

    def _cancel(self, reason):
        if any(request.state == "to_close_by_phone" for request in self):
            raise UserError(
                self.env._("A request waiting to be closed by phone cannot be cancelled; close it by phone.")
            )
        return super()._cancel(reason)

    # ------------------------------------------------------------------
    # Close by phone
    # ------------------------------------------------------------------

    def action_view_ratings(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ratings"),
            "res_model": "rating.rating",
            "view_mode": "list,form",
            "domain": [("res_model", "=", self._name), ("res_id", "=", self.id), ("consumed", "=", True)],
            "context": {"create": False, "edit": False, "delete": False},
        }

    def action_open_close_by_phone(self):
        self.ensure_one()
        if self.state not in ("done", "to_close_by_phone"):
            raise UserError(self.env._("Only a request waiting for the customer's rating can be closed by phone."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close by phone"),
            "res_model": "support.request.close.phone",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }
