from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"

    a1_form_id = fields.Many2one(
        "support.a1.form", string="A1 Form", readonly=True, copy=False, index="btree_not_null",
        ondelete="restrict", help="The signed A1 Form this invoice was issued from.",
    )
    production_order_id = fields.Many2one(
        "support.production.order", string="Production order", readonly=True, copy=False,
        index="btree_not_null", ondelete="restrict",
        help="The production or support order (ΠΠΥ) this invoice was issued from.",
    )
    support_contract_id = fields.Many2one(
        "support.contract", string="ESTES contract", copy=False, index="btree_not_null",
        ondelete="restrict", check_company=True,
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

    # One live fee invoice per ESTES contract (a cancelled one frees the contract).
    _support_contract_invoiced_once = models.UniqueIndex(
        "(support_contract_id) WHERE support_contract_id IS NOT NULL AND state != 'cancel' AND move_type = 'out_invoice'",
        "This ESTES contract has its fee invoice already.",
    )

    @api.constrains("support_contract_id", "partner_id", "move_type")
    def _check_support_contract_partner(self):
        for move in self.sudo().filtered("support_contract_id"):  # sudo: the check holds whoever reads the contract
            if move.move_type not in ("out_invoice", "out_refund"):
                raise ValidationError(self.env._("Only a customer invoice bills the fee of an ESTES contract."))
            if move.commercial_partner_id != move.support_contract_id.partner_id:
                raise ValidationError(self.env._(
                    "The invoice of %(contract)s must be made out to its customer %(customer)s.",
                    contract=move.support_contract_id.name,
                    customer=move.support_contract_id.partner_id.display_name,
                ))

    def _support_live_fee_invoices(self):
        """The customer invoices of ESTES fees that count: not cancelled."""
        return self.filtered(lambda m: m.move_type == "out_invoice" and m.state != "cancel")

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
        corrected = self.sudo().a1_form_id.filtered(lambda f: f.state == "corrected")  # the form's state, for any accountant
        if corrected:
            raise UserError(self.env._(
                "%(forms)s was corrected: its invoice stays cancelled or reversed, invoice the correction instead.",
                forms=", ".join(corrected.mapped("name")),
            ))
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
    def _support_sale_journal(self, company):
        journal = self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(company), ("type", "=", "sale")], limit=1,
        )
        if not journal:
            raise UserError(self.env._("%s has no sales journal to invoice in.", company.name))
        return journal

    @api.model
    def _support_service_invoice_type(self):
        """myDATA invoice type 2.1 (services) when l10n_gr_edi is installed."""
        return {"l10n_gr_edi_inv_type": "2.1"} if "l10n_gr_edi_inv_type" in self._fields else {}

    @api.model
    def _support_service_classification(self):
        """myDATA income classification of a service line when l10n_gr_edi is installed."""
        if "l10n_gr_edi_cls_category" not in self.env["account.move.line"]._fields:
            return {}
        return {"l10n_gr_edi_cls_category": "category1_3", "l10n_gr_edi_cls_type": "E3_561_001"}
