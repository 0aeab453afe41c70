from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from .a1_common import A1FormMixin

# One recommendation of each kind, each followed up its own way once the customer accepts it.
RECOMMENDATIONS = [
    {"name": "Αναβάθμιση σε Πήγασος ERP 6", "kind": "software", "estimated_cost": 800.0},
    {"name": "Νέος διακομιστής", "kind": "hardware", "estimated_cost": 1500.0},
    {"name": "Εκπαίδευση προσωπικού", "kind": "other", "estimated_cost": 200.0},
    {"name": "Επέκταση φιλοξενίας κατά 50 GB", "kind": "hosting", "estimated_cost": 120.0},
]


class ProductionOrderMixin(A1FormMixin):
    """A1 Forms signed with accepted recommendations, and the companies that invoice them."""

    @classmethod
    def _ensure_chart(cls, company):
        if not cls.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1):
            cls.env["account.chart.template"].try_loading("generic_coa", company=company, install_demo=False)

    @classmethod
    def _sign_a1(cls, form, accepted=None):
        """The customer's acceptance by scan; `accepted` are the recommendations they ticked."""
        return form._sign(
            "Γιώργος Παπαδόπουλος",
            "scan",
            pdf=b"%PDF-1.4 signed scan",
            accepted_recommendations=form.recommendation_ids if accepted is None else accepted,
        )

    @classmethod
    def _create_signed_a1(cls, request=None, recommendations=None, accepted=None):
        values = {}
        if recommendations is not None:
            values["recommendation_ids"] = [Command.create(rec) for rec in recommendations]
        form = cls._create_a1(request=request, **values)
        cls._sign_a1(form, accepted=accepted)
        return form

    @staticmethod
    def _specification(**values):
        """The production order's specification as the customer types it on the portal."""
        return {
            "title": "Πήγασος ERP 6",
            "current_behaviour": "Η έκδοση 5 δεν υποστηρίζει το νέο myDATA.",
            "requested_change": "Αναβάθμιση στην έκδοση 6 με μεταφορά δεδομένων.",
            "business_reason": "Υποχρεωτική διαβίβαση από 1/7.",
            "priority": "1",
            "deadline_wish": fields.Date.to_string(fields.Date.today() + timedelta(days=90)),
            **values,
        }

    @classmethod
    def _setup_firm_company(cls):
        """The technician's firm is a company of this database, with its own VAT and accountant."""
        cls._ensure_chart(cls.company)
        cls.firm_company = cls.env["res.company"].create(
            {"name": cls.firm.name, "partner_id": cls.firm.id, "currency_id": cls.company.currency_id.id}
        )
        cls._ensure_chart(cls.firm_company)
        cls.firm_tax = cls.env["account.tax"].create(
            {
                "name": "ΦΠΑ 24% (εταιρεία)",
                "amount": 24.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.firm_company.id,
            }
        )
        cls.product_remote.taxes_id = cls.tax_24 | cls.firm_tax
        cls.user_firm_accountant = new_test_user(
            cls.env,
            "cs_firm_accountant",
            groups="certified_support.group_support_accountant",
            company_id=cls.firm_company.id,
            company_ids=[cls.firm_company.id],
        )

    @classmethod
    def _agree_order(cls, order, amount=950.0, customer_user=None):
        """The department accepts the specification at `amount` (the vendor's VAT on services
        on the production-order service), and the customer accepts that amount as from the portal."""
        product = cls.env.ref("certified_support.product_production_order_service")
        if not product.taxes_id._filter_taxes_by_company(order.company_id) and order.company_id == cls.company:
            product.taxes_id |= cls.tax_24
        if order.state in ("draft", "clarification"):
            order.action_submit()
        if order.state == "submitted":
            order.agreed_amount = amount
            order.action_accept()
        user = customer_user or cls.user_customer
        return order.with_user(user).sudo()._accept_agreed_amount(user.partner_id, ip_address="192.0.2.10")

    def _notices(self, form):
        """The hardware notices of `form`: the e-mails about its accepted new server."""
        mails = self.env["mail.mail"].search([("model", "=", "support.a1.form"), ("res_id", "=", form.id)])
        return mails.filtered(lambda m: "Νέος διακομιστής" in (m.body_html or ""))

    def _followups(self, form):
        """The account manager's to-dos that follow the accepted recommendations of `form` up."""
        return self._activities(form, "certified_support.mail_activity_a1_recommendation")

    @classmethod
    def _invoice_a1(cls, form, post=False):
        """The firm's accountant invoices the signed form (and posts the invoice)."""
        form.with_user(cls.user_firm_accountant).with_context(
            allowed_company_ids=cls.firm_company.ids
        ).action_create_invoices()
        invoice = form.invoice_ids
        if post:
            invoice.with_user(cls.user_firm_accountant).with_context(
                allowed_company_ids=cls.firm_company.ids
            ).action_post()
        return invoice
