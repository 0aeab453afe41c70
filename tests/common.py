from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user


class SupportDataMixin:
    """Customers, a partner firm, one user per role and the products of the catalogue."""

    @classmethod
    def _setup_support_data(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.Contract = cls.env["support.contract"]

        # The vendor's staff
        cls.user_support = new_test_user(cls.env, "cs_support", groups="certified_support.group_support_user")
        cls.user_manager = new_test_user(cls.env, "cs_manager", groups="certified_support.group_support_manager")
        cls.user_accountant = new_test_user(
            cls.env, "cs_accountant", groups="certified_support.group_support_accountant"
        )
        cls.user_production = new_test_user(
            cls.env, "cs_production", groups="certified_support.group_support_production"
        )

        # Customers
        cls.customer = cls.env["res.partner"].create(
            {"name": "Αφοί Παπαδόπουλοι Ο.Ε.", "is_company": True, "user_id": cls.user_support.id}
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Γιώργος Παπαδόπουλος", "parent_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Ναυτιλιακή Αιγαίου Ε.Π.Ε.", "is_company": True})
        cls.other_contact = cls.env["res.partner"].create(
            {"name": "Σπύρος Μαρκόπουλος", "parent_id": cls.other_customer.id}
        )
        cls.user_customer = new_test_user(
            cls.env,
            "cs_customer",
            groups="base.group_portal",
            partner_id=cls.customer_contact.id,
        )
        cls.user_other_customer = new_test_user(
            cls.env,
            "cs_other_customer",
            groups="base.group_portal",
            partner_id=cls.other_contact.id,
        )

        # A partner firm with a technician and a manager (portal users)
        cls.firm = cls.env["res.partner"].create(
            {"name": "Δίκτυο Πληροφορική Ε.Π.Ε.", "is_company": True, "support_firm_kind": "it_firm"}
        )
        cls.technician = cls.env["res.partner"].create(
            {"name": "Νίκος Αντωνίου", "parent_id": cls.firm.id, "is_support_technician": True}
        )
        cls.firm_manager = cls.env["res.partner"].create(
            {"name": "Μαρία Κωνσταντίνου", "parent_id": cls.firm.id, "is_support_technician": True}
        )
        cls.user_technician = new_test_user(
            cls.env,
            "cs_technician",
            groups="certified_support.group_support_technician",
            partner_id=cls.technician.id,
        )
        cls.user_firm_manager = new_test_user(
            cls.env,
            "cs_firm_manager",
            groups="certified_support.group_support_firm_manager",
            partner_id=cls.firm_manager.id,
        )

        # Products and the catalogue
        cls.tax_24 = cls.env["account.tax"].create(
            {
                "name": "ΦΠΑ 24%",
                "amount": 24.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.product_estes = cls.env["product.product"].create(
            {"name": "ESTES annual support", "type": "service", "list_price": 480.0}
        )
        cls.product_remote = cls.env["product.product"].create(
            {
                "name": "Remote support hour",
                "type": "service",
                "list_price": 36.0,
                "taxes_id": [Command.set(cls.tax_24.ids)],
            }
        )
        cls.product_db = cls.env["product.product"].create(
            {
                "name": "Database check and repair",
                "type": "service",
                "list_price": 60.0,
                "taxes_id": [Command.set(cls.tax_24.ids)],
            }
        )

    @classmethod
    def _create_contract(cls, partner=None, start="2026-01-01", end="2026-12-31", state="draft"):
        contract = cls.Contract.create(
            {
                "partner_id": (partner or cls.customer).id,
                "product_id": cls.product_estes.id,
                "date_start": start,
                "date_end": end,
            }
        )
        if state == "active":
            contract.action_activate()
        return contract

    @classmethod
    def _certify_technicians(cls, *technicians):
        """Give these technicians (res.partner) everything certification needs today: their
        firm maintains 5 active installations, they attended an academy session last week,
        an IT firm holds an active cooperation contract, and the vendor approved them."""
        technicians = cls.env["res.partner"].concat(*technicians)
        firms = technicians.commercial_partner_id
        installed_at = cls.env["res.partner"].create({"name": "Πελάτης Εγκαταστάσεων Α.Ε.", "is_company": True})
        product = cls.env["product.product"].create({"name": "Πήγασος ERP", "type": "consu"})
        cls.env["support.installation"].create(
            [
                {"partner_id": installed_at.id, "product_id": product.id, "version": f"5.{n}", "firm_id": firm.id}
                for firm in firms
                for n in range(5)
            ]
        )
        now = datetime.now().replace(microsecond=0)
        session = cls.env["event.event"].create(
            {
                "name": "Ακαδημία Πήγασος: νέα έκδοση ERP",
                "is_support_academy": True,
                "date_begin": now - timedelta(days=8),
                "date_end": now - timedelta(days=7),
            }
        )
        cls.env["event.registration"].create(
            [{"event_id": session.id, "partner_id": technician.id} for technician in technicians]
        ).action_set_done()
        Cooperation = cls.env["support.cooperation.contract"]
        it_firms = firms.filtered(lambda f: f.support_firm_kind == "it_firm")
        it_firms -= Cooperation._get_firms_with_active_contract(it_firms)
        if it_firms:
            Cooperation.create(
                [{"firm_id": firm.id, "date_start": "2020-01-01"} for firm in it_firms]
            ).action_activate()
        technicians.sudo().write({"support_proposal_state": "approved"})
        technicians._support_update_certification()
        assert all(technicians.mapped("support_certified")), technicians.mapped("support_certification_reasons")
        return technicians


class SupportCommon(SupportDataMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_data()


class SupportHttpCommon(SupportDataMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_data()
