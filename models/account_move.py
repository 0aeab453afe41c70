from odoo import api, fields, models
from odoo.exceptions import LockError, UserError, ValidationError
from odoo.fields import Command

from odoo.addons.l10n_gr_edi.models.preferred_classification import TYPES_WITH_FORBIDDEN_COUNTERPART

# myDATA (AADE) of the addon's invoices, which are all for services:
MYDATA_B2B_SERVICE = "2.1"  # Τιμολόγιο Παροχής Υπηρεσιών: the customer has a VAT number (ΑΦΜ)
MYDATA_RETAIL_SERVICE = "11.2"  # Απόδειξη Παροχής Υπηρεσιών: a private customer, no ΑΦΜ
MYDATA_ON_CREDIT = "5"  # payment method "Επί πιστώσει": invoiced now, paid afterwards
# Income from services (category 1.3), to traders (E3_561_001) or private clientele (E3_561_003)
SERVICE_CLASSIFICATION = {
    MYDATA_B2B_SERVICE: ("category1_3", "E3_561_001"),
    MYDATA_RETAIL_SERVICE: ("category1_3", "E3_561_003"),
}


class AccountMove(models.Model):
    _inherit = "account.move"

    a1_form_id = fields.Many2one(
        "support.a1.form",
        string="A1 Form",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The signed A1 Form this invoice was issued from.",
    )
    production_order_id = fields.Many2one(
        "support.production.order",
        string="Production order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The production or support order (ΠΠΥ) this invoice was issued from.",
    )
    support_contract_id = fields.Many2one(
        "support.contract",
        string="ESTES contract",
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        domain="[('partner_id', '=', commercial_partner_id), ('state', 'in', ('draft', 'active', 'expired'))]",
        groups="certified_support.group_support_user,certified_support.group_support_accountant",
        help="The ESTES support contract whose annual fee this invoice bills. Link the invoice you "
        "made yourself here: no other is created for the contract.",
    )

    # Invoiced once: at most one invoice that is not cancelled per A1 Form and per order,
    # whatever the number of users or transactions trying at the same time. The credit note
    # that reverses the invoice of a corrected A1 Form is linked to it too, and is no invoice.
    _a1_form_invoiced_once = models.UniqueIndex(
        "(a1_form_id) WHERE a1_form_id IS NOT NULL AND state != 'cancel' AND move_type = 'out_invoice'",
        "This A1 Form is invoiced already.",
    )
    _production_order_invoiced_once = models.UniqueIndex(
        "(production_order_id) WHERE production_order_id IS NOT NULL AND state != 'cancel'",
        "This production order is invoiced already.",
    )

    # One live fee invoice per ESTES contract (a cancelled or fully credited one frees the contract).
    _support_contract_invoiced_once = models.UniqueIndex(
        "(support_contract_id) WHERE support_contract_id IS NOT NULL AND state != 'cancel'"
        " AND payment_state IS DISTINCT FROM 'reversed' AND move_type = 'out_invoice'",
        "This ESTES contract has its fee invoice already.",
    )

    @api.constrains("support_contract_id", "partner_id", "move_type")
    def _check_support_contract_partner(self):
        for move in self.sudo().filtered("support_contract_id"):  # sudo: the check holds whoever reads the contract
            if move.move_type not in ("out_invoice", "out_refund"):
                raise ValidationError(self.env._("Only a customer invoice bills the fee of an ESTES contract."))
            if move.commercial_partner_id != move.support_contract_id.partner_id:
                raise ValidationError(
                    self.env._(
                        "The invoice of %(contract)s must be made out to its customer %(customer)s.",
                        contract=move.support_contract_id.name,
                        customer=move.support_contract_id.partner_id.display_name,
                    )
                )

    def _support_live_fee_invoices(self):
        """The customer invoices of ESTES fees that count: neither cancelled nor fully credited
        (a credit note that reverses the fee frees the contract to be invoiced again)."""
        return self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state != "cancel" and m.payment_state != "reversed"
        )

    def write(self, vals):
        # Which A1 Form an invoice bills is set when it is created, for good (else the form
        # would be "to invoice" again and the meeting billed twice).
        if "a1_form_id" in vals and any(move.a1_form_id.id != (vals["a1_form_id"] or False) for move in self):
            raise UserError(self.env._("The A1 Form of an invoice cannot be changed."))
        return super().write(vals)

    def button_cancel(self):
        result = super().button_cancel()
        self.production_order_id._on_invoices_cancelled()
        return result

    def button_draft(self):
        # A cancelled invoice reset to draft counts again: refuse it when another one took its place.
        for move in self.filtered(lambda m: m.state == "cancel"):
            if move.production_order_id and move.production_order_id.state == "invoiced":
                raise UserError(self.env._("%s is invoiced by another invoice already.", move.production_order_id.name))
        # The invoice of a corrected A1 Form (and its credit note) stays cancelled or reversed:
        # the correction is invoiced instead.
        corrected = self.sudo().a1_form_id.filtered(
            lambda f: f.state == "corrected"
        )  # the form's state, for any accountant
        if corrected:
            raise UserError(
                self.env._(
                    "%(forms)s was corrected: its invoice stays cancelled or reversed, invoice the correction instead.",
                    forms=", ".join(corrected.mapped("name")),
                )
            )
        result = super().button_draft()
        self.production_order_id.filtered(lambda o: o.state == "accepted").write({"state": "invoiced"})
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_support_reopen(self):
        orders = self.production_order_id
        if orders:
            # Unlinked first so that the orders see no live invoice any more.
            self.write({"production_order_id": False})
            orders._on_invoices_cancelled()

    @api.model
    def _support_lock_to_invoice(self, documents, busy_message, fnames):
        """Lock the A1 Forms or production orders about to be invoiced and read ``fnames``
        again: invoiced once, whatever the number of users trying at the same time (the
        unique indexes above refuse a second live invoice too)."""
        try:
            documents.lock_for_update()
        except LockError:
            raise UserError(busy_message) from None
        documents.invalidate_recordset(fnames)

    @api.model
    def _support_service_invoice_vals(self, company, partner, lines, **values):
        """A customer invoice of ``company`` to ``partner`` for the services ``lines``, pairs
        of a service product and its line's values (name, quantity, unit price): in the
        company's sales journal, with the partner's fiscal position, the sales VAT on services
        on each line and the myDATA values of a service invoice. ``values`` complete the
        invoice (its origin, reference, the document it invoices)."""
        Move = self.with_company(company)
        fpos = self.env["account.fiscal.position"].with_company(company)._get_fiscal_position(partner)
        mydata = Move._support_mydata_vals(company, partner)
        return {
            "move_type": "out_invoice",
            "company_id": company.id,
            "journal_id": Move._support_sale_journal(company).id,
            "partner_id": partner.id,
            "fiscal_position_id": fpos.id,
            "invoice_line_ids": [
                Command.create(Move._support_service_line_vals(company, fpos, mydata, product, **line_values))
                for product, line_values in lines
            ],
            **mydata,
            **values,
        }

    @api.model
    def _support_service_line_vals(self, company, fiscal_position, move_vals, product, **values):
        """An invoice line of the service ``product`` with ``values``: the company's sales VAT
        on services (never a goods tax) mapped by the fiscal position, and the myDATA income
        classification of the invoice ``move_vals``."""
        taxes = self.env["account.tax"]._support_service_taxes(company, fiscal_position, product)
        return {
            "product_id": product.id,
            "tax_ids": [Command.set(taxes.ids)],
            **self._support_mydata_line_vals(move_vals, fiscal_position, product),
            **values,
        }

    @api.model
    def _support_sale_journal(self, company):
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "sale")],
            limit=1,
        )
        if not journal:
            raise UserError(self.env._("%s has no sales journal to invoice in.", company.name))
        return journal

    def _l10n_gr_edi_get_pre_error_dict(self):
        """A receipt to a private customer (type 11.x) names no counterpart in myDATA (l10n_gr_edi
        leaves the customer out of its XML): the customer's VAT number is not needed for it."""
        errors = super()._l10n_gr_edi_get_pre_error_dict()
        if self.l10n_gr_edi_inv_type in TYPES_WITH_FORBIDDEN_COUNTERPART:
            errors.pop("l10n_gr_edi_partner_no_vat", None)
        return errors

    @api.model
    def _support_mydata_vals(self, company, partner):
        """myDATA header of a service invoice of `company` to `partner`: a service invoice (2.1)
        to a customer with a VAT number, a service receipt (11.2) to a private one, issued on
        credit (paid afterwards). Nothing outside Greece."""
        if company.account_fiscal_country_id.code != "GR":
            return {}
        inv_type = MYDATA_B2B_SERVICE if partner.commercial_partner_id.vat else MYDATA_RETAIL_SERVICE
        return {"l10n_gr_edi_inv_type": inv_type, "l10n_gr_edi_payment_method": MYDATA_ON_CREDIT}

    @api.model
    def _support_mydata_line_vals(self, move_vals, fiscal_position, product):
        """myDATA income classification of a service line, picked as l10n_gr_edi picks it: the
        fiscal position's preferred classification for the invoice type, then the product's,
        then the services income of that type (category 1.3)."""
        inv_type = move_vals.get("l10n_gr_edi_inv_type")
        if not inv_type:
            return {}
        Preferred = self.env["l10n_gr_edi.preferred_classification"]
        for preferred in (
            fiscal_position.l10n_gr_edi_preferred_classification_ids,
            product.product_tmpl_id.l10n_gr_edi_preferred_classification_ids if product else Preferred,
        ):
            for choice in preferred:
                category, cls_type = choice.l10n_gr_edi_cls_category, choice.l10n_gr_edi_cls_type
                if (
                    choice.l10n_gr_edi_inv_type == inv_type
                    and category in Preferred._get_l10n_gr_edi_available_cls_category(inv_type, "1").split(",")
                    and cls_type in Preferred._get_l10n_gr_edi_available_cls_type(inv_type, category).split(",")
                ):
                    return {"l10n_gr_edi_cls_category": category, "l10n_gr_edi_cls_type": cls_type}
        category, cls_type = SERVICE_CLASSIFICATION[inv_type]
        return {"l10n_gr_edi_cls_category": category, "l10n_gr_edi_cls_type": cls_type}
