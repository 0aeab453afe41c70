# `_` is bound to `env._` at the start of each function that translates (the checker sees only the name):
# pylint: disable=prefer-env-translation

from datetime import timedelta

import pytz
from psycopg2 import IntegrityError

from odoo import fields, http
from odoo.exceptions import LockError, UserError, ValidationError
from odoo.fields import Command
from odoo.http import request
from odoo.tools import float_compare, plaintext2html

from ..input_bounds import (
    LONG_TEXT_MAX_LENGTH,
    MAX_LIST_ITEMS,
    MAX_MEETING_HOURS,
    MEETING_FUTURE_HOURS,
    MEETING_WINDOW_DAYS,
    RECOMMENDATION_MAX_LENGTH,
    InputError,
    parse_amount,
    parse_choice,
    parse_datetime_local,
    parse_hours,
    parse_id,
    parse_text,
)
from ..models.support_priced_line import priced_line_values
from .portal import SupportCustomerPortal

PROPOSED_ONCE_INDEX = "support_request_extra_proposed_once"  # models.UniqueIndex _proposed_once
RECOMMENDATION_KINDS = ("software", "hosting", "hardware", "other")
MAX_ROWS = MAX_LIST_ITEMS


class SupportTechnicianPortal(SupportCustomerPortal):
    """The technician's side of an assigned meeting: its page, the extra actions they
    propose (step 6) and the Technical Diary, where they file its A1 Form."""

    # ------------------------------------------------------------------
    # The assigned request and its extra actions (step 6)
    # ------------------------------------------------------------------

    def _get_extra_action_products(self, request_sudo):
        """The technical actions of the request company's catalogue."""
        # Technicians may not read the catalogue's products; they only choose among them.
        lines = request.env["support.fault.line"].sudo().search([("company_id", "=", request_sudo.company_id.id)])
        return lines.product_id

    def _render_assigned_request(self, request_sudo, error=None, form=None):
        """The technician's page of a request; ``form``: the extra action as typed."""
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_partner",
                "support_request": request_sudo,
                "extra_products": self._get_extra_action_products(request_sudo),
                "error": error,
                "extra_values": form or {},
            }
        )
        return request.render("certified_support.portal_my_assigned_request", values)

    @http.route(["/my/partner/requests/<int:request_id>"], type="http", auth="user", website=True)
    def portal_my_assigned_request(self, request_id, **kw):
        return self._render_assigned_request(self._get_assigned_request(request_id))

    @http.route(
        ["/my/partner/requests/<int:request_id>/extra"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_propose_extra_action(self, request_id, product_id=None, quantity=None, **kw):
        request_sudo = self._get_assigned_request(request_id)
        env = request.env
        form = {"product_id": product_id or "", "quantity": quantity or ""}
        try:
            if request_sudo.technician_id != env.user.partner_id:
                raise InputError(env._("Only the technician of the meeting can propose extra actions."))
            if request_sudo.state not in ("scheduled", "in_progress"):
                raise InputError(env._("Extra actions can be proposed only for a scheduled meeting."))
            product_id = parse_id(env, product_id, env._("Action"), field="product_id")
            # Checked right below against the catalogue's actions.
            product = env["product.product"].sudo().browse(product_id).exists()
            if product not in self._get_extra_action_products(request_sudo):
                raise InputError(env._("Choose an action of the catalogue."), "product_id")
            quantity = parse_hours(env, quantity, env._("Hours"), field="quantity")
        except InputError as exc:
            return self._render_assigned_request(request_sudo, exc.message, form)
        # The same proposal posted twice (a double click, a reload) is one proposal: the
        # request is locked, and an identical one still waiting for the customer answers.
        try:
            request_sudo.lock_for_update()
        except LockError:
            return self._render_assigned_request(
                request_sudo, env._("This extra action is being proposed already."), form
            )
        request_sudo.invalidate_recordset(["extra_ids"])
        if request_sudo.extra_ids.filtered(
            lambda e: e.state == "proposed"
            and e.product_id == product
            and float_compare(e.quantity, quantity, precision_digits=2) == 0
        ):
            return request.redirect(f"/my/partner/requests/{request_sudo.id}")
        try:
            with env.cr.savepoint():
                # Portal users cannot create records: the technician was checked to be the one
                # of this scheduled meeting, and the action and its price come from the catalogue.
                env["support.request.extra"].sudo().create(
                    {
                        "request_id": request_sudo.id,
                        "product_id": product.id,
                        "quantity": quantity,
                        "proposed_by_id": env.user.partner_id.id,
                    }
                )
        except IntegrityError as exc:
            if exc.diag.constraint_name != PROPOSED_ONCE_INDEX:
                raise
            # The same proposal, committed meanwhile by the other submission.
            return request.redirect(f"/my/partner/requests/{request_sudo.id}")
        except (UserError, ValidationError) as exc:
            return self._render_assigned_request(request_sudo, str(exc), form)
        request_sudo.message_post(
            body=env._("%s proposed an extra action; the customer must accept its cost.", env.user.name),
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect(f"/my/partner/requests/{request_sudo.id}")

    # ------------------------------------------------------------------
    # Technical Diary: filing the A1 Form
    # ------------------------------------------------------------------

    def _a1_user_tz(self):
        return pytz.timezone(request.env.user.tz or "Europe/Athens")

    def _a1_accepted_lines(self, request_sudo):
        """The accepted action lines of the request, one per product (the first one)."""
        lines = {}
        for line in self._support_valid_acceptances(request_sudo).line_ids:
            lines.setdefault(line.product_id, line)
        return lines

    def _a1_default_values(self, request_sudo):
        tz = self._a1_user_tz()
        start = request_sudo.meeting_start

        def to_local(dt):
            return dt and pytz.utc.localize(dt).astimezone(tz).strftime("%Y-%m-%dT%H:%M") or ""

        return {
            "date_start": to_local(start),
            "date_end": to_local(request_sudo.event_id.stop),
            "lines": [
                {"product_id": line.product_id.id, "quantity": line.quantity}
                for line in self._support_valid_acceptances(request_sudo).line_ids
            ],
            "recommendations": [],
            "note": "",
        }

    def _a1_form_id(self, value):
        """A posted product id as a number (0 when it is not one), to show the row again."""
        try:
            return parse_id(request.env, value, "", required=False) or 0
        except InputError:
            return 0

    def _a1_parse_form(self, post):
        """What the technician typed, kept as typed (strings) to show it again on errors."""
        lines = []
        for index in range(MAX_ROWS):
            product_id = post.get(f"line_{index}_product_id")
            if product_id is None:
                continue
            if post.get(f"line_{index}_remove"):
                continue
            lines.append(
                {"product_id": self._a1_form_id(product_id), "quantity": post.get(f"line_{index}_quantity", "")}
            )
        new_product = self._a1_form_id(post.get("new_product_id"))
        if post.get("add_line") and new_product:
            lines.append({"product_id": new_product, "quantity": post.get("new_quantity") or "1"})
        recommendations = []
        for index in range(MAX_ROWS):
            name = post.get(f"rec_{index}_name") or ""
            if name.strip():
                recommendations.append(
                    {
                        "name": name,
                        "kind": post.get(f"rec_{index}_kind") or "other",
                        "estimated_cost": post.get(f"rec_{index}_cost") or "",
                    }
                )
        return {
            "date_start": post.get("date_start") or "",
            "date_end": post.get("date_end") or "",
            "lines": lines,
            "recommendations": recommendations,
            "note": post.get("note") or "",
            "extra_recommendation_rows": 1 + (1 if post.get("add_recommendation") else 0),
        }

    def _a1_meeting_window(self, request_sudo):
        """When the meeting of an A1 Form filed now may have been held (naive UTC): around the
        scheduled meeting, and not later than tomorrow."""
        now = fields.Datetime.now()
        scheduled = request_sudo.meeting_start or now
        return scheduled - timedelta(days=MEETING_WINDOW_DAYS), now + timedelta(hours=MEETING_FUTURE_HOURS)

    def _a1_validate(self, request_sudo, form):
        """Errors, and the values to create the A1 Form with when there are none."""
        env = request.env
        _ = env._
        errors = []
        parse = self._support_collecting_parser(errors)

        tz = self._a1_user_tz()
        earliest, latest = self._a1_meeting_window(request_sudo)
        start_label, end_label = _("Start"), _("End")
        date_start, date_end = (
            parse(parse_datetime_local, form[name], label, tz=tz, minimum=earliest, maximum=latest, field=name)
            for name, label in (("date_start", start_label), ("date_end", end_label))
        )
        if date_start and date_end:
            if date_end <= date_start:
                errors.append(_("The meeting must end after it starts."))
            elif (date_end - date_start).total_seconds() > MAX_MEETING_HOURS * 3600:
                errors.append(
                    _(
                        "A meeting lasts %(hours)s hours at most: check when it started and ended.",
                        hours=MAX_MEETING_HOURS,
                    )
                )
        accepted = self._a1_accepted_lines(request_sudo)
        accepted_by_id = {product.id: line for product, line in accepted.items()}
        line_commands = []
        for index, line in enumerate(form["lines"]):
            accepted_line = accepted_by_id.get(line["product_id"])
            if not accepted_line:
                errors.append(_("Only the actions the customer accepted can be added."))
                continue
            quantity = parse(
                parse_hours, line["quantity"], _("Hours of %s", accepted_line.name), field=f"line_{index}_quantity"
            )
            if quantity is None:
                continue
            # Name, price and VAT are the ones the customer accepted, never the form's.
            line_commands.append(Command.create(priced_line_values(accepted_line, sequence=index, quantity=quantity)))
        if not form["lines"]:
            errors.append(_("An A1 Form needs at least one service given."))
        recommendation_commands = []
        for index, rec in enumerate(form["recommendations"]):
            name = parse(
                parse_text,
                rec["name"],
                _("Recommendation"),
                max_length=RECOMMENDATION_MAX_LENGTH,
                multiline=True,
                required=True,
                field=f"rec_{index}_name",
            )
            kind = parse(
                parse_choice, rec["kind"], _("Recommendation kind"), RECOMMENDATION_KINDS, field=f"rec_{index}_kind"
            )
            cost = parse(
                parse_amount, rec["estimated_cost"], _("Estimated cost"), required=False, field=f"rec_{index}_cost"
            )
            if name is None or kind is None:
                continue
            recommendation_commands.append(
                Command.create(
                    {
                        "sequence": index,
                        "name": name,
                        "kind": kind,
                        "estimated_cost": cost or 0.0,
                    }
                )
            )
        note = parse(
            parse_text, form["note"], _("Notes"), max_length=LONG_TEXT_MAX_LENGTH, multiline=True, field="note"
        )
        values = {
            "request_id": request_sudo.id,
            "date_start": date_start,
            "date_end": date_end,
            "line_ids": line_commands,
            "recommendation_ids": recommendation_commands,
            "note": plaintext2html(note) if note else False,
        }
        return errors, values

    def _a1_render_diary(self, request_sudo, form, errors=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_partner",
                "support_request": request_sudo,
                "a1_values": form,
                "a1_accepted_lines": self._a1_accepted_lines(request_sudo),
                "a1_kinds": dict(
                    request.env["support.a1.recommendation"]._fields["kind"]._description_selection(request.env)
                ),
                "errors": errors or [],
            }
        )
        return request.render("certified_support.portal_a1_diary", values)

    def _a1_check_can_file(self, request_sudo):
        if request_sudo.technician_id != request.env.user.partner_id:
            return request.env._("Only the technician of the meeting can file its A1 Form.")
        if request_sudo.state not in ("scheduled", "in_progress"):
            return request.env._("An A1 Form can be filed only for a scheduled or started meeting.")
        return None

    @http.route(
        ["/my/partner/requests/<int:request_id>/a1"], type="http", auth="user", website=True, methods=["GET", "POST"]
    )
    def portal_a1_diary(self, request_id, **post):
        request_sudo = self._get_assigned_request(request_id)
        error = self._a1_check_can_file(request_sudo)
        if error:
            return request.redirect(f"/my/partner/requests/{request_sudo.id}")
        if request.httprequest.method == "GET":
            return self._a1_render_diary(request_sudo, self._a1_default_values(request_sudo))
        form = self._a1_parse_form(post)
        if post.get("add_line") or post.get("add_recommendation"):
            return self._a1_render_diary(request_sudo, form)
        errors, values = self._a1_validate(request_sudo, form)
        if errors:
            return self._a1_render_diary(request_sudo, form, errors)
        try:
            request_sudo.lock_for_update()  # against a double submit
        except LockError:
            return self._a1_render_diary(request_sudo, form, [request.env._("This A1 Form is being filed already.")])
        request_sudo.invalidate_recordset(["state"])
        error = self._a1_check_can_file(request_sudo)
        if error:
            return self._a1_render_diary(request_sudo, form, [error])
        # Portal users cannot create records: the user was checked above to be the
        # technician of this scheduled meeting, and every line is one the customer accepted.
        try:
            with request.env.cr.savepoint():
                a1_sudo = request.env["support.a1.form"].sudo().create(values)  # checked above: the assigned technician
                a1_sudo.action_file()
        except (UserError, ValidationError) as exc:
            return self._a1_render_diary(request_sudo, form, [str(exc)])
        a1_sudo.message_post(
            body=request.env._("Filed by %s in the Technical Diary.", request.env.user.name),
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect(a1_sudo.access_url)  # no token: the link is the customer's
