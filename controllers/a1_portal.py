# `_` is bound to `env._` at the start of each function that translates (the checker sees only the name):
# pylint: disable=prefer-env-translation

from datetime import timedelta

import pytz

from odoo import fields, http
from odoo.exceptions import AccessError, LockError, MissingError, UserError, ValidationError
from odoo.fields import Command
from odoo.http import request
from odoo.tools import plaintext2html

from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..input_bounds import (
    LONG_TEXT_MAX_LENGTH,
    MAX_AMOUNT,
    MAX_LINE_HOURS,
    MAX_LIST_ITEMS,
    MAX_MEETING_HOURS,
    MEETING_FUTURE_HOURS,
    MEETING_WINDOW_DAYS,
    NAME_MAX_LENGTH,
    RECOMMENDATION_MAX_LENGTH,
    InputError,
    parse_choice,
    parse_datetime_local,
    parse_float,
    parse_id,
    parse_id_list,
    parse_image,
    parse_text,
)
from .portal import SupportCustomerPortal

A1_REPORT = "certified_support.action_report_support_a1_form"
RECOMMENDATION_KINDS = ("software", "hosting", "hardware", "other")
MAX_ROWS = MAX_LIST_ITEMS


class SupportA1Portal(SupportCustomerPortal):
    """The Technical Diary (technicians file A1 Forms) and the customer's acceptance."""

    # ------------------------------------------------------------------
    # Technical Diary: filing the A1 Form
    # ------------------------------------------------------------------

    def _a1_user_tz(self):
        return pytz.timezone(request.env.user.tz or "Europe/Athens")

    def _a1_accepted_lines(self, request_sudo):
        """The accepted action lines of the request, one per product (the first one)."""
        lines = {}
        for line in request_sudo.acceptance_ids.filtered(lambda a: a.state == "valid").line_ids:
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
                for line in request_sudo.acceptance_ids.filtered(lambda a: a.state == "valid").line_ids
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

        def parse(parser, *args, **kwargs):
            try:
                return parser(env, *args, **kwargs)
            except InputError as exc:
                errors.append(exc.message)
                return None

        tz = self._a1_user_tz()
        earliest, latest = self._a1_meeting_window(request_sudo)
        date_start = parse(
            parse_datetime_local,
            form["date_start"],
            _("Start"),
            tz=tz,
            minimum=earliest,
            maximum=latest,
            field="date_start",
        )
        date_end = parse(
            parse_datetime_local, form["date_end"], _("End"), tz=tz, minimum=earliest, maximum=latest, field="date_end"
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
                parse_float,
                line["quantity"],
                _("Hours of %s", accepted_line.name),
                minimum=0,
                maximum=MAX_LINE_HOURS,
                min_exclusive=True,
                field=f"line_{index}_quantity",
            )
            if quantity is None:
                continue
            # Name, price and VAT are the ones the customer accepted, never the form's.
            line_commands.append(
                Command.create(
                    {
                        "sequence": index,
                        "product_id": accepted_line.product_id.id,
                        "name": accepted_line.name,
                        "quantity": quantity,
                        "price_unit": accepted_line.price_unit,
                        "tax_ids": [Command.set(accepted_line.tax_ids.ids)],
                    }
                )
            )
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
                parse_float,
                rec["estimated_cost"],
                _("Estimated cost"),
                minimum=0,
                maximum=MAX_AMOUNT,
                required=False,
                field=f"rec_{index}_cost",
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
        return request.redirect(a1_sudo.get_portal_url())

    # ------------------------------------------------------------------
    # Lists and the A1 Form page
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "support_a1_count" in counters:
            A1 = request.env["support.a1.form"]
            values["support_a1_count"] = (
                A1.search_count([("state", "in", ("filed", "signed", "corrected"))]) if A1.has_access("read") else 0
            )
        return values

    @http.route(["/my/a1", "/my/a1/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_a1_forms(self, page=1, **kw):
        # The record rules give customers their company's, technicians their own and
        # firm managers their firm's A1 Forms.
        A1 = request.env["support.a1.form"]
        domain = [("state", "in", ("filed", "signed", "corrected"))]
        is_technician = request.env.user.has_group("certified_support.group_support_technician")
        if is_technician:
            domain = [("state", "!=", "cancelled")]
        pager = portal_pager(url="/my/a1", total=A1.search_count(domain), page=page, step=self._items_per_page)
        forms = A1.search(domain, limit=self._items_per_page, offset=pager["offset"])
        request.session["my_a1_forms_history"] = forms.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "a1_forms": forms.sudo(),  # to show the technicians' and firms' names
                "page_name": "support_a1",
                "pager": pager,
                "default_url": "/my/a1",
                "is_technician": is_technician,
            }
        )
        return request.render("certified_support.portal_my_a1_forms", values)

    def _a1_can_sign(self, a1_sudo):
        """The customer signs, never the technician's firm."""
        partner = request.env.user.partner_id
        return a1_sudo.state == "filed" and partner.commercial_partner_id != a1_sudo.firm_id

    @http.route(["/my/a1/<int:a1_id>"], type="http", auth="public", website=True)
    def portal_my_a1_form(self, a1_id, access_token=None, report_type=None, download=False, message=None, **kw):
        try:
            a1_sudo = self._document_check_access("support.a1.form", a1_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type == "pdf" and a1_sudo.state in ("signed", "corrected") and a1_sudo.signed_pdf_id:
            # The document the customer signed, as stored with its hash.
            report = a1_sudo.signed_pdf_id.sudo().raw
            headers = self._get_http_headers(a1_sudo, "pdf", report, download)
            return request.make_response(report, headers=list(headers.items()))
        if report_type in ("html", "pdf", "text"):
            return self._show_report(model=a1_sudo, report_type=report_type, report_ref=A1_REPORT, download=download)
        values = self._get_page_view_values(
            a1_sudo,
            access_token,
            {
                "a1": a1_sudo,
                "page_name": "support_a1",
                "message": message,
                "can_sign": self._a1_can_sign(a1_sudo),
                "report_type": "html",
            },
            "my_a1_forms_history",
            False,
        )
        return request.render("certified_support.portal_my_a1_form", values)

    def _a1_json_access(self, a1_id, access_token):
        """(a1_sudo, None) when the user or the token may read the A1 Form, else (None, the
        JSON error object to answer)."""
        env = request.env
        if access_token is not None and not isinstance(access_token, str):
            return None, InputError(
                env._("%(field)s must be text.", field="access_token"), "access_token", "invalid_type"
            ).to_json()
        try:
            return self._document_check_access("support.a1.form", a1_id, access_token=access_token), None
        except (AccessError, MissingError):
            return None, {"error": env._("Invalid A1 Form."), "code": "not_found"}

    @http.route(["/my/a1/<int:a1_id>/recommendations"], type="jsonrpc", auth="public", website=True)
    def portal_a1_recommendations(self, a1_id, access_token=None, accepted_ids=None):
        """The customer ticks the recommendations they accept before signing.

        Params: ``access_token`` (text, optional), ``accepted_ids`` (a list of the
        recommendations' ids). Answers ``{"accepted_ids": [...]}``, or an error object
        ``{"error": message, "code": word, "field": param}`` (``field`` when one parameter
        is the cause), as every JSON route of the addon."""
        a1_sudo, error = self._a1_json_access(a1_id, access_token)
        if error:
            return error
        if not self._a1_can_sign(a1_sudo):
            return {"error": request.env._("This A1 Form is not waiting for your signature."), "code": "not_signable"}
        try:
            accepted_ids = parse_id_list(request.env, accepted_ids, "accepted_ids", field="accepted_ids")
        except InputError as exc:
            return exc.to_json()
        # Checked above: the customer may sign this filed form; only its own rows change.
        accepted = a1_sudo.recommendation_ids.filtered(lambda r: r.id in accepted_ids)
        accepted.write({"accepted": "yes"})
        (a1_sudo.recommendation_ids - accepted).write({"accepted": "no"})
        return {"accepted_ids": accepted.ids}

    @http.route(["/my/a1/<int:a1_id>/accept"], type="jsonrpc", auth="public", website=True)
    def portal_a1_accept(self, a1_id, access_token=None, name=None, signature=None):
        """The customer signs: ``name`` (text) and ``signature`` (a base64 PNG or JPEG image).
        Answers ``{"force_refresh": true, "redirect_url": ...}`` or an error object."""
        env = request.env
        access_token = access_token or request.httprequest.args.get("access_token")
        a1_sudo, error = self._a1_json_access(a1_id, access_token)
        if error:
            return error
        try:
            name = parse_text(env, name, env._("Your name"), max_length=NAME_MAX_LENGTH, required=True, field="name")
            signature = parse_image(env, signature, env._("Signature"), field="signature")
        except InputError as exc:
            return exc.to_json()
        try:
            a1_sudo.lock_for_update()  # two signatures at once: one only
        except LockError:
            return {"error": env._("This A1 Form is being signed already."), "code": "locked"}
        a1_sudo.invalidate_recordset(["state"])
        if not self._a1_can_sign(a1_sudo):
            return {"error": env._("This A1 Form is not waiting for your signature."), "code": "not_signable"}
        try:
            with env.cr.savepoint():
                a1_sudo._sign(
                    name,
                    "portal",
                    ip_address=request.httprequest.remote_addr,
                    signature=signature,
                    accepted_recommendations=a1_sudo.recommendation_ids.filtered(lambda r: r.accepted == "yes"),
                )
        except UserError as exc:
            return {"error": str(exc), "code": "refused"}
        return {
            "force_refresh": True,
            "redirect_url": a1_sudo.get_portal_url(query_string="&message=sign_ok"),
        }
