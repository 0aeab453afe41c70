from odoo import api, fields, models
from odoo.exceptions import UserError


class SupportRequestExtra(models.Model):
    """An additional action proposed during the meeting (step 6).

    It counts only once the customer has accepted its cost: the acceptance is a
    cost acceptance of its own, like the request's.
    """

    _name = "support.request.extra"
    _description = "Extra Action"
    _order = "request_id, id"
    _check_company_auto = True

    request_id = fields.Many2one(
        "support.request", string="Request", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True, precompute=True)
    partner_id = fields.Many2one(related="request_id.partner_id", store=True, index=True, precompute=True)
    currency_id = fields.Many2one(related="request_id.currency_id")
    product_id = fields.Many2one(
        "product.product", string="Action", required=True, check_company=True,
        domain="[('type', '=', 'service'), ('sale_ok', '=', True)]",
    )
    name = fields.Char(
        string="Description", compute="_compute_name", store=True, readonly=False, precompute=True,
        required=True,
    )
    quantity = fields.Float(string="Hours", default=1.0, digits="Product Unit", required=True)
    price_unit = fields.Monetary(
        string="Unit Price", compute="_compute_price_unit", store=True, readonly=False, precompute=True,
    )
    tax_ids = fields.Many2many(
        "account.tax", string="VAT", compute="_compute_tax_ids", store=True, readonly=False,
        precompute=True, check_company=True,
    )
    price_subtotal = fields.Monetary(string="Subtotal", compute="_compute_amount", store=True, precompute=True)
    price_tax = fields.Monetary(string="VAT Amount", compute="_compute_amount", store=True, precompute=True)
    price_total = fields.Monetary(string="Total", compute="_compute_amount", store=True, precompute=True)
    proposed_by_id = fields.Many2one(
        "res.partner", string="Proposed by", default=lambda self: self.env.user.partner_id
    )
    state = fields.Selection(
        [("proposed", "Waiting for the customer"), ("accepted", "Accepted"), ("refused", "Refused")],
        default="proposed", required=True, index=True,
    )
    acceptance_id = fields.Many2one("support.acceptance", string="Acceptance", readonly=True, copy=False)

    _quantity_positive = models.Constraint(
        "CHECK (quantity > 0)", "The hours of an extra action must be positive."
    )
    _price_positive = models.Constraint(
        "CHECK (price_unit >= 0)", "The price of an extra action cannot be negative."
    )

    @api.depends("product_id")
    def _compute_name(self):
        for extra in self:
            if extra.product_id:
                extra.name = extra.product_id.display_name

    @api.depends("product_id")
    def _compute_price_unit(self):
        for extra in self:
            extra.price_unit = extra.product_id.lst_price

    @api.depends("product_id", "company_id")
    def _compute_tax_ids(self):
        for extra in self:
            extra.tax_ids = extra.product_id.taxes_id._filter_taxes_by_company(
                extra.company_id or self.env.company
            )

    @api.depends("quantity", "price_unit", "tax_ids")
    def _compute_amount(self):
        AccountTax = self.env["account.tax"]
        for extra in self:
            company = extra.company_id or self.env.company
            base_line = AccountTax._prepare_base_line_for_taxes_computation(
                extra,
                tax_ids=extra.tax_ids,
                quantity=extra.quantity,
                currency_id=extra.currency_id or company.currency_id,
            )
            AccountTax._add_tax_details_in_base_line(base_line, company)
            AccountTax._round_base_lines_tax_details([base_line], company)
            extra.price_subtotal = base_line["tax_details"]["total_excluded_currency"]
            extra.price_total = base_line["tax_details"]["total_included_currency"]
            extra.price_tax = extra.price_total - extra.price_subtotal

    def write(self, vals):
        if self.filtered(lambda e: e.state != "proposed") and set(vals) - {"state", "acceptance_id"}:
            raise UserError(self.env._("An extra action the customer has answered cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_proposed(self):
        if any(extra.state == "accepted" for extra in self):
            raise UserError(self.env._("An accepted extra action cannot be deleted."))

    def _accept(self, accepted_by, channel, ip_address=None):
        """Record the customer's acceptance of each proposed extra action."""
        if any(extra.state != "proposed" for extra in self):
            raise UserError(self.env._("This extra action has already been answered."))
        for extra in self:
            acceptance = self.env["support.acceptance"].create(
                extra.request_id._prepare_acceptance_values(
                    accepted_by, channel, ip_address, kind="extra", lines=extra
                )
            )
            extra.write({"state": "accepted", "acceptance_id": acceptance.id})
            extra.request_id.message_post(
                body=self.env._(
                    "Extra action %(action)s accepted by %(contact)s for %(amount)s.",
                    action=extra.name,
                    contact=accepted_by.name,
                    amount=extra.currency_id.format(extra.price_total),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_accept_by_phone(self):
        """Staff record the acceptance the customer's contact gave on the phone."""
        for extra in self:
            request = extra.request_id
            extra._accept(request.contact_id or request.partner_id, "phone")

    def _refuse(self):
        if any(extra.state != "proposed" for extra in self):
            raise UserError(self.env._("This extra action has already been answered."))
        self.state = "refused"
