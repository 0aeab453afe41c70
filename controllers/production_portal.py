# `_` is bound to `env._` at the start of each function that translates (the checker sees only the name):
# pylint: disable=prefer-env-translation

from odoo import fields, http
from odoo.exceptions import AccessError, LockError, MissingError, UserError
from odoo.http import request

from ..input_bounds import (
    LONG_TEXT_MAX_LENGTH,
    MAX_UPLOAD_SIZE,
    MAX_UPLOADS,
    NAME_MAX_LENGTH,
    InputError,
    check_file,
    parse_choice,
    parse_date,
    parse_text,
)
from .portal import SupportCustomerPortal

EDITABLE_STATES = ("draft", "clarification")
PRIORITIES = ("0", "1", "2")


class SupportProductionPortal(SupportCustomerPortal):
    """Customers complete and submit their production orders (ΠΠΥ) and accept their agreed
    amount; firm managers follow their firm's ones."""

    # ------------------------------------------------------------------
    # Production orders
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "support_production_count" in counters:
            Order = request.env["support.production.order"]
            values["support_production_count"] = (
                Order.search_count([("state", "!=", "cancelled")]) if Order.has_access("read") else 0
            )
        return values

    @http.route(
        ["/my/production-orders", "/my/production-orders/page/<int:page>"], type="http", auth="user", website=True
    )
    def portal_my_production_orders(self, page=1, **kw):
        # The record rules give customers their company's orders and firm managers their firm's.
        orders, values = self._support_prepare_list_values(
            "support.production.order",
            "/my/production-orders",
            [("state", "!=", "cancelled")],
            page,
            "my_production_orders_history",
        )
        values.update({"orders": orders, "page_name": "support_production"})
        return request.render("certified_support.portal_my_production_orders", values)

    def _production_can_edit(self, order_sudo, access_token=None):
        """The customer completes the specification, never the technician's firm."""
        if order_sudo.state not in EDITABLE_STATES:
            return False
        # A token link lets its holder read the order; only the customer's own users change it.
        user = request.env.user
        return not user._is_public() and user.commercial_partner_id == order_sudo.partner_id

    def _production_values(self, order_sudo):
        return {
            "title": order_sudo.title or "",
            "current_behaviour": order_sudo.current_behaviour or "",
            "requested_change": order_sudo.requested_change or "",
            "business_reason": order_sudo.business_reason or "",
            "priority": order_sudo.priority or "0",
            "deadline_wish": fields.Date.to_string(order_sudo.deadline_wish) if order_sudo.deadline_wish else "",
        }

    def _production_render(self, order_sudo, access_token, form=None, errors=None, message=None):
        values = self._get_page_view_values(
            order_sudo,
            access_token,
            {
                "order": order_sudo,
                "page_name": "support_production",
                "can_edit": self._production_can_edit(order_sudo, access_token),
                "can_accept_amount": order_sudo._can_accept_amount(request.env.user),
                "spec": form or self._production_values(order_sudo),
                "errors": errors or [],
                "message": message,
                "priorities": dict(order_sudo._fields["priority"]._description_selection(request.env)),
                "attachments": request.env["ir.attachment"]
                # sudo: the order's files, after the access check on the order above
                .sudo()
                .search(  # the order's files, after the access check above
                    [("res_model", "=", order_sudo._name), ("res_id", "=", order_sudo.id)], order="id"
                ),
            },
            "my_production_orders_history",
            False,
        )
        return request.render("certified_support.portal_my_production_order", values)

    @http.route(
        ["/my/production-orders/<int:order_id>"], type="http", auth="public", website=True, methods=["GET", "POST"]
    )
    def portal_my_production_order(self, order_id, access_token=None, message=None, **post):
        try:
            order_sudo = self._support_document_sudo("support.production.order", order_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if request.httprequest.method == "GET":
            return self._production_render(order_sudo, access_token, message=message)
        if not self._production_can_edit(order_sudo, access_token):
            return self._production_render(
                order_sudo, access_token, errors=[request.env._("This production order cannot be changed any more.")]
            )
        form, errors, vals = self._production_parse(post)
        contents = self._production_uploads(errors)
        submit = bool(post.get("submit"))
        if submit and not (vals["title"] and vals["requested_change"]):
            errors.append(
                request.env._("Give the order a title and describe the requested change before submitting it.")
            )
        if errors:
            return self._production_render(order_sudo, access_token, form=form, errors=errors)
        try:
            order_sudo.lock_for_update()  # against a double submit
        except LockError:
            return self._production_render(
                order_sudo,
                access_token,
                form=form,
                errors=[request.env._("This production order is being saved already.")],
            )
        order_sudo.invalidate_recordset(["state"])
        if order_sudo.state not in EDITABLE_STATES:
            return self._production_render(
                order_sudo,
                access_token,
                form=form,
                errors=[request.env._("This production order cannot be changed any more.")],
            )
        # Checked above: the customer may change this order in draft or clarification; only the
        # specification's whitelisted fields are written, and the files are linked to it.
        order_sudo.write(vals)
        if contents:
            attachments = (
                request.env["ir.attachment"]
                # sudo: portal users create no attachments; the order was checked above, the files by content
                .sudo()
                .create(
                    [  # portal users cannot create attachments; checked above
                        {
                            "name": name,
                            "raw": data,
                            "res_model": order_sudo._name,
                            "res_id": order_sudo.id,
                            "mimetype": mimetype,
                        }  # the type of the content, never the name's or the browser's
                        for name, data, mimetype in contents
                    ]
                )
            )
            order_sudo.message_post(
                body=request.env._("Attachments added by %s.", request.env.user.partner_id.name),
                attachment_ids=attachments.ids,
                subtype_xmlid="mail.mt_note",
            )
        if submit:
            try:
                order_sudo.action_submit()
            except UserError as exc:
                return self._production_render(order_sudo, access_token, form=form, errors=[str(exc)])
        query = "&message=%s" % ("submitted" if submit else "saved")
        return request.redirect(order_sudo.get_portal_url(query_string=query))

    @http.route(
        ["/my/production-orders/<int:order_id>/accept-amount"], type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_production_accept_amount(self, order_id, **post):
        """The customer accepts the agreed amount before production starts (a token link is
        not enough: only the customer's own users accept, see ``_can_accept_amount``)."""
        try:
            order_sudo = self._support_document_sudo("support.production.order", order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        user = request.env.user
        if not order_sudo._can_accept_amount(user):
            return self._production_render(
                order_sudo,
                None,
                errors=[request.env._("The agreed amount of this production order cannot be accepted now.")],
            )
        try:
            # Checked above: the user is one of the order's customer's, the order waits for this
            # acceptance; the evidence records who, when and from where (read-only afterwards).
            order_sudo.with_user(user).sudo()._accept_agreed_amount(
                user.partner_id, ip_address=request.httprequest.remote_addr
            )
        except UserError as exc:
            return self._production_render(order_sudo, None, errors=[str(exc)])
        return request.redirect(order_sudo.get_portal_url(query_string="&message=amount_accepted"))

    def _production_uploads(self, errors):
        """(name, content, mimetype) of each file attached, checked by its content; what is
        refused is added to ``errors``."""
        env = request.env
        files = [f for f in request.httprequest.files.getlist("attachments") if f and f.filename]
        if len(files) > MAX_UPLOADS:
            errors.append(env._("Attach %(max)s files at most at once.", max=MAX_UPLOADS))
            return []
        contents = []
        for upload in files:
            try:
                data = upload.read(MAX_UPLOAD_SIZE + 1)
                name, mimetype = check_file(env, upload.filename, data, field="attachments")
            except InputError as exc:
                errors.append(exc.message)
            else:
                contents.append((name, data, mimetype))
        return contents

    def _production_parse(self, post):
        """What the customer typed, kept as typed to show it again, and the values to write."""
        env = request.env
        _ = env._
        form = {
            name: post.get(name) or ""
            for name in ("title", "current_behaviour", "requested_change", "business_reason", "deadline_wish")
        }
        form["priority"] = post.get("priority") if post.get("priority") in PRIORITIES else "0"
        errors = []

        collect = self._support_collecting_parser(errors)

        def parse(parser, name, *args, **kwargs):
            return collect(parser, form[name], *args, field=name, **kwargs)

        texts = {
            "current_behaviour": _("Current behaviour"),
            "requested_change": _("Requested change"),
            "business_reason": _("Business reason"),
        }
        vals = {
            "title": parse(parse_text, "title", _("Title"), max_length=NAME_MAX_LENGTH) or False,
            **{
                name: parse(parse_text, name, label, max_length=LONG_TEXT_MAX_LENGTH, multiline=True) or False
                for name, label in texts.items()
            },
            "priority": parse(parse_choice, "priority", _("Priority"), PRIORITIES) or "0",
            "deadline_wish": parse(
                parse_date, "deadline_wish", _("Wished deadline"), minimum=fields.Date.context_today(env.user)
            )
            or False,
        }
        return form, errors, vals
