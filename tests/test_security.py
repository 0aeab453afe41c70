from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportSecurity(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-10"):
            cls.contract = cls._create_contract(state="active")
            cls.other_contract = cls._create_contract(partner=cls.other_customer, state="active")
        cls.fault = cls._create_fault("F01", "Year-end closing", [(cls.product_remote, 3)])
        cls.installation = cls.env["support.installation"].create(
            {"partner_id": cls.customer.id, "product_id": cls.product_estes.id, "firm_id": cls.firm.id}
        )
        cls.other_installation = cls.env["support.installation"].create(
            {"partner_id": cls.other_customer.id, "product_id": cls.product_estes.id}
        )

    def _rights(self, user, model):
        Model = self.env[model].with_user(user)
        return tuple(Model.has_access(op) for op in ("read", "write", "create", "unlink"))

    def test_access_rights_per_role(self):
        expected = {
            # role: (contract, fault & fault lines, installation) as (read, write, create, unlink)
            self.user_support: ((1, 1, 1, 0), (1, 0, 0, 0), (1, 1, 1, 0)),
            self.user_production: ((1, 1, 1, 0), (1, 0, 0, 0), (1, 1, 1, 0)),
            self.user_accountant: ((1, 0, 0, 0), (1, 0, 0, 0), (1, 0, 0, 0)),
            self.user_manager: ((1, 1, 1, 1), (1, 1, 1, 1), (1, 1, 1, 1)),
            self.user_customer: ((1, 0, 0, 0), (1, 0, 0, 0), (1, 0, 0, 0)),
            self.user_technician: ((1, 0, 0, 0), (1, 0, 0, 0), (1, 0, 0, 0)),
            self.user_firm_manager: ((1, 0, 0, 0), (1, 0, 0, 0), (1, 0, 0, 0)),
        }
        for user, (contract, fault, installation) in expected.items():
            with self.subTest(user=user.login):
                self.assertEqual(self._rights(user, "support.contract"), tuple(map(bool, contract)))
                self.assertEqual(self._rights(user, "support.fault"), tuple(map(bool, fault)))
                self.assertEqual(self._rights(user, "support.fault.line"), tuple(map(bool, fault)))
                self.assertEqual(self._rights(user, "support.fault.category"), tuple(map(bool, fault)))
                self.assertEqual(self._rights(user, "support.installation"), tuple(map(bool, installation)))

    def test_partner_roles_are_portal_users(self):
        for user in (self.user_technician, self.user_firm_manager):
            with self.subTest(user=user.login):
                self.assertTrue(user.share, "never backend access")
                self.assertTrue(user._is_portal())
        self.assertTrue(self.user_firm_manager.has_group("certified_support.group_support_technician"))
        self.assertFalse(self.user_technician.has_group("certified_support.group_support_firm_manager"))

    def test_staff_roles_are_internal_users(self):
        for user in (self.user_support, self.user_manager, self.user_accountant, self.user_production):
            with self.subTest(user=user.login):
                self.assertTrue(user._is_internal())
        self.assertTrue(self.user_accountant.has_group("account.group_account_invoice"))
        self.assertFalse(self.user_accountant.has_group("certified_support.group_support_user"))
        self.assertTrue(self.user_manager.has_group("certified_support.group_support_accountant"))

    def test_support_user_manages_contracts_not_the_catalogue(self):
        contract = self.contract.with_user(self.user_support)
        contract.note = "<p>Call before visiting</p>"
        with self.assertRaises(AccessError):
            contract.unlink()
        with self.assertRaises(AccessError):
            self.fault.with_user(self.user_support).name = "Changed"
        self.fault.with_user(self.user_manager).name = "Κλείσιμο χρήσης"

    def test_customer_sees_only_its_own_contracts(self):
        Contract = self.env["support.contract"].with_user(self.user_customer)
        self.assertEqual(Contract.search([]), self.contract)
        with self.assertRaises(AccessError):
            self.other_contract.with_user(self.user_customer).read(["name"])
        with self.assertRaises(AccessError):
            self.contract.with_user(self.user_customer).write({"price": 1.0})
        self.assertEqual(
            self.env["support.contract"].with_user(self.user_other_customer).search([]), self.other_contract
        )

    def test_portal_installations(self):
        self.assertEqual(self.env["support.installation"].with_user(self.user_customer).search([]), self.installation)
        self.assertEqual(
            self.env["support.installation"].with_user(self.user_technician).search([]),
            self.installation,
            "a technician sees the installations their firm maintains",
        )
        with self.assertRaises(AccessError):
            self.other_installation.with_user(self.user_firm_manager).read(["name"])

    def test_technician_sees_no_customer_contract(self):
        self.assertFalse(self.env["support.contract"].with_user(self.user_technician).search([]))
        self.assertFalse(self.env["support.contract"].with_user(self.user_firm_manager).search([]))

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Πήγασος Κύπρου Λτδ"})
        partner_b = self.env["res.partner"].create({"name": "Λεμεσός Εμπορική", "is_company": True})
        with freeze_time("2026-03-10"):
            contract_b = self.Contract.with_company(company_b).create(
                {
                    "partner_id": partner_b.id,
                    "product_id": self.product_estes.id,
                    "date_start": "2026-01-01",
                    "date_end": "2026-12-31",
                    "company_id": company_b.id,
                }
            )
        self.assertNotIn(contract_b, self.Contract.with_user(self.user_manager).search([]))
        with self.assertRaises(AccessError):
            contract_b.with_user(self.user_manager).read(["name"])
        self.user_manager.company_ids |= company_b
        self.assertIn(
            contract_b,
            self.Contract.with_user(self.user_manager)
            .with_context(allowed_company_ids=[self.company.id, company_b.id])
            .search([]),
        )
