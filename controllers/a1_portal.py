# `_` is bound to `env._` at the start of each function that translates (the checker sees only the name):
# pylint: disable=prefer-env-translation

from odoo import fields, http
from odoo.exceptions import AccessError, LockError, MissingError, UserError
from odoo.http import request

from ..input_bounds import (
    INVOICE_REF_MAX_LENGTH,
    NAME_MAX_LENGTH,
    InputError,
    parse_amount,
    parse_date,
    parse_id_list,
    parse_image,
    parse_mydata_mark,
    parse_text,
)
from .portal import SupportCustomerPortal

A1_REPORT = "certified_support.action_report_support_a1_form"


class SupportA1Portal(SupportCustomerPortal):
    """The A1 Forms' pages: the lists, the form's page, the customer's acceptance and
    signature, and the partner firm's own invoice of a signed form."""

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
        domain = [("state", "in", ("filed", "signed", "corrected"))]
        is_technician = request.env.user.has_group("certified_support.group_support_technician")
        if is_technician:
            domain = [("state", "!=", "cancelled")]
        forms, values = self._support_prepare_list_values(
            "support.a1.form", "/my/a1", domain, page, "my_a1_forms_history"
        )
        values.update(
            {
                "a1_forms": forms.sudo(),  # to show the technicians' and firms' names
                "page_name": "support_a1",
                "is_technician": is_technician,
            }
        )
        return request.render("certified_support.portal_my_a1_forms", values)

    def _a1_can_sign(self, a1_sudo):
        """The customer signs a filed A1 Form: a portal user of the customer company, or the
        holder of the customer's link (the caller checked its token). Never the technician's
        firm, nor the vendor's staff (they record a paper signature with the scan wizard)."""
        user = request.env.user
        if a1_sudo.state != "filed":
            return False
        if user._is_public():
            return True
        return user.share and user.partner_id.commercial_partner_id == a1_sudo.partner_id

    def _a1_render_page(self, a1_sudo, access_token=None, message=None, **sections):
        """The A1 Form's page; ``sections``: what a section of it shows again after a
        refused post (the files' or the firm's invoice errors and typed values)."""
        values = self._get_page_view_values(
            a1_sudo,
            access_token,
            {
                "a1": a1_sudo,
                "page_name": "support_a1",
                "message": message,
                "can_sign": self._a1_can_sign(a1_sudo),
                "report_type": "html",
                "can_record_invoice": self._a1_can_record_invoice(a1_sudo),
                "invoice_errors": [],
                "invoice_values": {},
                **sections,
            },
            "my_a1_forms_history",
            False,
        )
        return request.render("certified_support.portal_my_a1_form", values)

    @http.route(["/my/a1/<int:a1_id>"], type="http", auth="public", website=True)
    def portal_my_a1_form(self, a1_id, access_token=None, report_type=None, download=False, message=None, **kw):
        try:
            a1_sudo = self._support_document_sudo("support.a1.form", a1_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type == "pdf" and a1_sudo.state in ("signed", "corrected") and a1_sudo.signed_pdf_id:
            # The document the customer signed, as stored with its hash.
            report = a1_sudo.signed_pdf_id.sudo().raw
            headers = self._get_http_headers(a1_sudo, "pdf", report, download)
            return request.make_response(report, headers=list(headers.items()))
        if report_type in ("html", "pdf", "text"):
            return self._show_report(model=a1_sudo, report_type=report_type, report_ref=A1_REPORT, download=download)
        return self._a1_render_page(a1_sudo, access_token, message=message)

    def _a1_json_access(self, a1_id, access_token):
        """(a1_sudo, None) when the user or the token may read the A1 Form, else (None, the
        JSON error object to answer)."""
        env = request.env
        if access_token is not None and not isinstance(access_token, str):
            return None, InputError(
                env._("%(field)s must be text.", field="access_token"), "access_token", "invalid_type"
            ).to_json()
        try:
            return self._support_document_sudo("support.a1.form", a1_id, access_token=access_token), None
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

    # ------------------------------------------------------------------
    # The firm's own invoice of a signed A1 Form (a firm that invoices elsewhere)
    # ------------------------------------------------------------------

    def _a1_can_record_invoice(self, a1_sudo):
        user = request.env.user
        return (
            self._support_is_firm_manager()
            and a1_sudo.firm_id == user.commercial_partner_id
            and a1_sudo.invoice_status == "to_invoice"
            and not a1_sudo.firm_company_id
        )

    @http.route(["/my/a1/<int:a1_id>/external-invoice"], type="http", auth="user", website=True, methods=["POST"])
    def portal_a1_external_invoice(self, a1_id, **post):
        try:
            a1_sudo = self._support_document_sudo("support.a1.form", a1_id)
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
        parse = self._support_collecting_parser(errors)
        ref = parse(
            parse_text,
            values["ref"],
            _("Invoice number"),
            max_length=INVOICE_REF_MAX_LENGTH,
            required=True,
            field="external_invoice_ref",
        )
        date = parse(
            parse_date,
            values["date"],
            _("Invoice date"),
            required=True,
            maximum=fields.Date.context_today(env.user),
            field="external_invoice_date",
        )
        amount = parse(parse_amount, values["amount"], _("Invoice amount"), field="external_invoice_amount")
        mark = parse(parse_mydata_mark, values["mark"], _("myDATA MARK"), field="external_invoice_mark")
        if not errors:
            try:
                # Checked above: the user manages the firm of this signed A1 Form, which
                # invoices in its own system; only the four invoice fields are written.
                a1_sudo._record_external_invoice(ref, date, amount, mark)
            except UserError as exc:
                errors.append(str(exc))
        if not errors:
            return request.redirect(f"/my/a1/{a1_sudo.id}?message=invoice_ok")
        return self._a1_render_page(a1_sudo, invoice_errors=errors, invoice_values=values)
