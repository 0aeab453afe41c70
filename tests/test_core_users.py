"""The rest of Odoo works as before the addon, for users without any support right.

Each test runs as a user of a core app (sales, invoicing, events, a plain employee) and
does what that user does every day on the records the addon extends: open the form and
the list, search with every filter offered, create a record. An addon field that reads
support records (requests, cost acceptances, contracts) must not be offered to them.
"""

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .a1_common import A1FormMixin
from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestCoreUsers(A1FormMixin, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        users = {
            "salesman": "sales_team.group_sale_salesman_all_leads",
            "sales_manager": "sales_team.group_sale_manager",
            "invoicing": "account.group_account_invoice",
            "event_user": "event.group_event_user",
            "employee": "base.group_user",
        }
        cls.core_users = {
            key: new_test_user(cls.env, f"cs_core_{key}", groups=f"base.group_user,{group}")
            for key, group in users.items()
        }
        for user in cls.core_users.values():
            assert not any(g.privilege_id.name == "Certified Support" for g in user.all_group_ids), user.login
        # An ESTES opportunity waiting with a request (the customer has no contract).
        cls.uncovered = cls.env["res.partner"].create({"name": "Κεραμικά Ρόδου Α.Ε.", "is_company": True})
        cls.uncovered_contact = cls.env["res.partner"].create(
            {"name": "Ελένη Χατζή", "parent_id": cls.uncovered.id, "email": "eleni@keramika-rodou.gr"}
        )
        cls.waiting_request = cls.env["support.request"].create(
            {"partner_id": cls.uncovered.id, "contact_id": cls.uncovered_contact.id, "fault_id": cls.fault.id}
        )
        cls.waiting_request._register_request(cls.uncovered_contact)
        cls.lead = cls.waiting_request.lead_id
        assert cls.lead and cls.waiting_request.state == "waiting_contract"

    def _views(self, user, model, view_types=("form", "list", "search")):
        views = self.env[model].with_user(user).get_views([(False, view_type) for view_type in view_types])
        return {view_type: views["views"][view_type]["arch"] for view_type in view_types}

    def _read_addon_fields(self, record):
        """Read every field the addon adds to ``record``'s model that the user is offered
        (``fields_get`` is what a client or an export lists)."""
        offered = record.fields_get(attributes=["type"])
        names = [
            name for name, field in record._fields.items() if field._module == "certified_support" and name in offered
        ]
        return record.read(names)[0]

    def _open_list(self, user, model, arch, domain=()):
        """What the web client does to show a list: read the columns of its view."""
        names = [
            node.get("name")
            for node in etree.fromstring(arch).iter("field")
            if node.get("name") in self.env[model]._fields
        ]
        return self.env[model].with_user(user).web_search_read(list(domain), {name: {} for name in names}, limit=80)

    def _search_with_every_filter(self, user, model, arch):
        """Search with each filter of the search view the user sees, as clicking it does."""
        Model = self.env[model].with_user(user)
        context = {
            "uid": user.id,
            "context_today": fields.Date.context_today(Model),
            "datetime": fields.Datetime,
            "relativedelta": None,
        }
        searched = []
        for node in etree.fromstring(arch).iter("filter"):
            domain = node.get("domain")
            if not domain or not node.get("name", "").startswith("support_"):
                continue
            Model.search(safe_eval(domain, context), limit=1)
            searched.append(node.get("name"))
        return searched

    def test_salespeople_open_the_estes_opportunity(self):
        for key in ("salesman", "sales_manager"):
            with self.subTest(user=key):
                user = self.core_users[key]
                arch = self._views(user, "crm.lead")["form"]
                self.assertNotIn("support_request_ids", arch, "requests are not offered to sales users")
                lead_form = Form(self.lead.with_user(user))
                self.assertTrue(lead_form.support_estes_activation)
                lead_form.description = "<p>Ο πελάτης θα υπογράψει την ΕΣΤΕΣ αύριο.</p>"
                lead_form.save()
                values = self._read_addon_fields(self.lead.with_user(user))
                self.assertNotIn("support_request_ids", values)
                self._open_list(user, "crm.lead", self._views(user, "crm.lead", ("list",))["list"])

    def test_support_user_still_sees_the_waiting_requests_on_the_opportunity(self):
        user = new_test_user(
            self.env,
            "cs_core_support_sales",
            groups="certified_support.group_support_user,sales_team.group_sale_salesman_all_leads",
        )
        arch = self._views(user, "crm.lead")["form"]
        self.assertIn("support_request_ids", arch)
        self.assertEqual(self.lead.with_user(user).support_request_ids, self.waiting_request)

    def test_salesman_creates_a_lead(self):
        user = self.core_users["salesman"]
        lead_form = Form(self.env["crm.lead"].with_user(user))
        lead_form.name = "Νέα εγκατάσταση ERP"
        lead_form.partner_id = self.uncovered
        lead = lead_form.save()
        self.assertEqual(lead.user_id, user)
        self.assertFalse(lead.support_estes_activation)

    def test_core_users_open_and_search_contacts(self):
        partners = (self.customer, self.customer_contact, self.firm, self.technician)
        for key, user in self.core_users.items():
            with self.subTest(user=key):
                archs = self._views(user, "res.partner", ("form", "list", "search", "kanban"))
                for name in (
                    "support_contract_count",
                    "support_installation_ids",
                    "support_certified",
                    "action_view_support_cooperation_contracts",
                ):
                    self.assertNotIn(name, archs["form"], f"{name} is offered to {key}")
                self.assertEqual(
                    self._search_with_every_filter(user, "res.partner", archs["search"]),
                    [],
                    "no support filter is offered to a user without support rights",
                )
                for partner in partners:
                    Form(partner.with_user(user))
                self._open_list(user, "res.partner", archs["list"], [("id", "in", [p.id for p in partners])])
                for partner in partners:
                    values = self._read_addon_fields(partner.with_user(user))
                    self.assertNotIn("support_contract_ids", values)
                    self.assertNotIn("support_has_active_contract", values)

    def test_support_staff_search_contacts_with_the_support_filters(self):
        arch = self._views(self.user_support, "res.partner", ("search",))["search"]
        self.assertEqual(
            sorted(self._search_with_every_filter(self.user_support, "res.partner", arch)),
            ["support_active_contract", "support_firms", "support_technicians"],
        )

    def test_invoicing_user_invoices_and_opens_an_a1_invoice(self):
        user = self.core_users["invoicing"]
        move_form = Form(self.env["account.move"].with_user(user).with_context(default_move_type="out_invoice"))
        move_form.partner_id = self.customer
        with move_form.invoice_line_ids.new() as line:
            line.product_id = self.product_remote
            line.price_unit = 36.0
        invoice = move_form.save()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        a1 = self._create_a1()
        a1._sign(self.customer_contact, "scan")
        a1_invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "a1_form_id": a1.id,
                "invoice_line_ids": [Command.create({"product_id": self.product_remote.id, "price_unit": 54.0})],
            }
        )
        arch = self._views(user, "account.move", ("form",))["form"]
        self.assertNotIn('name="a1_form_id"', arch)
        Form(a1_invoice.with_user(user))
        self.assertIn('name="a1_form_id"', self._views(self.user_accountant, "account.move", ("form",))["form"])

    def test_invoicing_user_opens_an_estes_fee_invoice(self):
        """The fee invoice of an ESTES contract, for an accountant of the core app only."""
        user = self.core_users["invoicing"]
        contract = self.Contract.search([("partner_id", "=", self.customer.id), ("state", "=", "active")])
        fee_invoice = contract.sudo().invoice_ids
        self.assertEqual(len(fee_invoice), 1, "drafted when the contract was activated")
        arch = self._views(user, "account.move", ("form",))["form"]
        self.assertNotIn('name="support_contract_id"', arch)
        move_form = Form(fee_invoice.with_user(user))
        move_form.invoice_date = fields.Date.today()
        move_form.save().action_post()
        self.assertEqual(fee_invoice.state, "posted")
        self.assertEqual(contract.fee_state, "unpaid", "the contract follows the invoice")
        self.assertNotIn("support_contract_id", self._read_addon_fields(fee_invoice.with_user(user)))
        self._open_list(user, "account.move", self._views(user, "account.move", ("list",))["list"])
        self.assertIn(
            'name="support_contract_id"', self._views(self.user_accountant, "account.move", ("form",))["form"]
        )

    def test_event_user_registers_and_marks_attendance(self):
        user = self.core_users["event_user"]
        event_form = Form(self.env["event.event"].with_user(user))
        event_form.name = "Ημερίδα πελατών"
        event_form.date_begin = fields.Datetime.now()
        event_form.date_end = fields.Datetime.now()
        event = event_form.save()
        registration = (
            self.env["event.registration"]
            .with_user(user)
            .create({"event_id": event.id, "partner_id": self.technician.id})
        )
        registration.action_set_done()
        self.assertEqual(registration.state, "done")
        Form(event.with_user(user))
        self.assertTrue(self.technician.support_certified, "a session outside the academy changes nothing")
        self.assertNotIn("is_support_academy", self._views(user, "event.event", ("form",))["form"])
        self.assertIn("is_support_academy", self._views(self.user_manager, "event.event", ("form",))["form"])

    def test_rating_list_and_form_without_support_fields(self):
        user = self.core_users["employee"]
        archs = self._views(user, "rating.rating", ("form", "list"))
        self.assertNotIn("support_source", archs["form"])
        self.assertNotIn("support_source", archs["list"])

    def test_admin_merges_a_technician_with_a_duplicate(self):
        duplicate = self.env["res.partner"].create(
            {"name": "Νίκος Αντωνίου (διπλότυπο)", "parent_id": self.firm.id, "email": "nikos@diktyo.gr"}
        )
        self.assertTrue(self.technician.support_certified)
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(self.env.ref("base.user_admin"))
            .create({"partner_ids": [Command.set((self.technician | duplicate).ids)], "dst_partner_id": duplicate.id})
        )
        wizard.action_merge()
        self.assertFalse(self.technician.exists())
        self.assertTrue(duplicate.is_support_technician)
        self.assertEqual(duplicate.support_proposal_state, "none", "the proposal is not copied from another contact")
        self.assertFalse(duplicate.support_certified, "computed again for the merged contact: not approved")
        self.assertEqual(self.request.technician_id, duplicate, "the requests follow the merged contact")

    def test_status_still_refused_to_staff_outside_the_merge(self):
        for user in (self.user_support, self.env.ref("base.user_admin"), self.core_users["sales_manager"]):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.technician.with_user(user).write({"support_certified": False})
        # Writing what is already there changes nothing and is accepted (imports, merges).
        self.technician.with_user(self.env.ref("base.user_admin")).write({"support_certified": True})
        self.assertTrue(self.technician.support_certified)
