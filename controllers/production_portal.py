# `_` is bound to `env._` at the start of each function that translates (the checker sees only the name):
# pylint: disable=prefer-env-translation

from odoo import fields, http
from odoo.exceptions import AccessError, LockError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..input_bounds import (
    INVOICE_REF_MAX_LENGTH,
    LONG_TEXT_MAX_LENGTH,
    MAX_AMOUNT,
    MAX_UPLOAD_SIZE,
    MAX_UPLOADS,
    NAME_MAX_LENGTH,
    InputError,
    check_file,
    parse_choice,
    parse_date,
    parse_float,
    parse_mydata_mark,
    parse_text,
)
from .a1_portal import SupportA1Portal

EDITABLE_STATES = ("draft", "clarification")
PRIORITIES = ("0", "1", "2")


class SupportProductionPortal(SupportA1Portal):
    """Customers complete and submit their production orders (ΠΠΥ); firm managers see the
    accepted hardware recommendations and record the firm's own invoices of A1 Forms."""

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
        Order = request.env["support.production.order"]
        domain = [("state", "!=", "cancelled")]
        pager = portal_pager(
            url="/my/production-orders", total=Order.search_count(domain), page=page, step=self._items_per_page
        )
        orders = Order.search(domain, limit=self._items_per_page, offset=pager["offset"])
        request.session["my_production_orders_history"] = orders.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "orders": orders,
                "page_name": "support_production",
                "pager": pager,
                "default_url": "/my/production-orders",
            }
        )
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
            order_sudo = self._document_check_access("support.production.order", order_id, access_token=access_token)
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
            order_sudo = self._document_check_access("support.production.order", order_id)
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

        def parse(parser, name, *args, **kwargs):
            try:
                return parser(env, form[name], *args, field=name, **kwargs)
            except InputError as exc:
                errors.append(exc.message)
                return None

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

    # ------------------------------------------------------------------
    # Partner section: hardware notices and the firm's own invoices
    # ------------------------------------------------------------------

    def _is_firm_manager(self):
        return request.env.user.has_group("certified_support.group_support_firm_manager")

    @http.route()
    def portal_my_partner_section(self, **kw):
        response = super().portal_my_partner_section(**kw)
        if self._is_firm_manager() and getattr(response, "qcontext", None) is not None:
            firm = request.env.user.commercial_partner_id
            # The record rules give a firm manager the recommendations of the firm's A1 Forms.
            response.qcontext["hardware_recommendations"] = (
                request.env["support.a1.recommendation"]
                .search(
                    [
                        ("a1_form_id.firm_id", "=", firm.id),
                        ("a1_form_id.state", "=", "signed"),
                        ("kind", "=", "hardware"),
                        ("accepted", "=", "yes"),
                    ],
                    order="id desc",
                    limit=self._items_per_page,
                )
                .sudo()
            )  # to show the customers' names
        return response

    def _a1_can_record_invoice(self, a1_sudo):
        user = request.env.user
        return (
            self._is_firm_manager()
            and a1_sudo.firm_id == user.commercial_partner_id
            and a1_sudo.invoice_status == "to_invoice"
            and not a1_sudo.firm_company_id
        )

    @http.route(["/my/a1/<int:a1_id>"], type="http", auth="public", website=True)
    def portal_my_a1_form(self, a1_id, access_token=None, report_type=None, download=False, message=None, **kw):
        response = super().portal_my_a1_form(
            a1_id, access_token=access_token, report_type=report_type, download=download, message=message, **kw
        )
        qcontext = getattr(response, "qcontext", None)
        if qcontext is not None and qcontext.get("a1"):
            qcontext["can_record_invoice"] = self._a1_can_record_invoice(qcontext["a1"])
            qcontext.setdefault("invoice_errors", [])
            qcontext.setdefault("invoice_values", {})
        return response

    @http.route(["/my/a1/<int:a1_id>/external-invoice"], type="http", auth="user", website=True, methods=["POST"])
    def portal_a1_external_invoice(self, a1_id, **post):
        try:
            a1_sudo = self._document_check_access("support.a1.form", a1_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        env = request.env
        _ = env._
        values = {  # as typed, to show them again
            "ref": post.get("external_invoice_ref") or "",
            "date": post.get("external_invoice_date") or "",
            "amount": post.get("external_invoice_amount") or "",
            "mark": post.get("external_invoice_mark") or "",
        }
        errors = []
        if not self._a1_can_record_invoice(a1_sudo):
            errors.append(_("You cannot record an invoice for this A1 Form."))
        ref = date = amount = mark = None
        try:
            ref = parse_text(
                env,
                values["ref"],
                _("Invoice number"),
                max_length=INVOICE_REF_MAX_LENGTH,
                required=True,
                field="external_invoice_ref",
            )
        except InputError as exc:
            errors.append(exc.message)
        try:
            date = parse_date(
                env,
                values["date"],
                _("Invoice date"),
                required=True,
                maximum=fields.Date.context_today(env.user),
                field="external_invoice_date",
            )
        except InputError as exc:
            errors.append(exc.message)
        try:
            amount = parse_float(
                env,
                values["amount"],
                _("Invoice amount"),
                minimum=0,
                maximum=MAX_AMOUNT,
                field="external_invoice_amount",
            )
        except InputError as exc:
            errors.append(exc.message)
        try:
            mark = parse_mydata_mark(env, values["mark"], _("myDATA MARK"), field="external_invoice_mark")
        except InputError as exc:
            errors.append(exc.message)
        if not errors:
            try:
                # Checked above: the user manages the firm of this signed A1 Form, which
                # invoices in its own system; only the four invoice fields are written.
                a1_sudo._record_external_invoice(ref, date, amount, mark)
            except UserError as exc:
                errors.append(str(exc))
        if not errors:
            return request.redirect(f"/my/a1/{a1_sudo.id}?message=invoice_ok")
        response = self.portal_my_a1_form(a1_id)
        response.qcontext.update({"invoice_errors": errors, "invoice_values": values})
        return response
