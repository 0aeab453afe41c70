from datetime import date, datetime, timedelta

from odoo import Command
from odoo.http import Request
from odoo.tests import HttpCase, TransactionCase, new_test_user

TECHNICIAN = "certified_support.group_support_technician"
FIRM_MANAGER = "certified_support.group_support_firm_manager"


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
        cls.user_customer = cls._create_portal_user("cs_customer", cls.customer_contact)
        cls.user_other_customer = cls._create_portal_user("cs_other_customer", cls.other_contact)

        # A partner firm with a technician and a manager (portal users)
        cls.firm = cls._create_firm("Δίκτυο Πληροφορική Ε.Π.Ε.")
        cls.technician = cls._create_technician("Νίκος Αντωνίου", cls.firm)
        cls.firm_manager = cls._create_technician("Μαρία Κωνσταντίνου", cls.firm)
        cls.user_technician = cls._create_portal_user("cs_technician", cls.technician, TECHNICIAN)
        cls.user_firm_manager = cls._create_portal_user("cs_firm_manager", cls.firm_manager, FIRM_MANAGER)

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
    def _create_current_contract(cls, partner=None):
        """An active ESTES of `partner` (the customer by default) from a month ago to the end of the year."""
        today = date.today()
        return cls._create_contract(
            partner, start=today - timedelta(days=30), end=today + timedelta(days=300), state="active"
        )

    @classmethod
    def _setup_certified_technician(cls):
        """The firm's technician certified (_certify_technicians), with the firm's installations
        and its cooperation contract at hand."""
        cls._certify_technicians(cls.technician)
        cls.installations = cls.env["support.installation"].search([("firm_id", "=", cls.firm.id)])
        cls.cooperation = cls.env["support.cooperation.contract"].search(
            [("firm_id", "=", cls.firm.id), ("state", "=", "active")]
        )

    @classmethod
    def _set_phones(cls):
        """The customers' phones, stored the way people type them: national with spaces,
        international with dashes; the customer's ΑΦΜ."""
        cls.customer.write({"phone": "210 748 9589", "vat": "EL094019245"})
        cls.customer_contact.phone = "+30 691-234-5678"
        cls.other_customer.phone = "2310 555123"

    @classmethod
    def _create_portal_user(cls, login, partner, groups="base.group_portal"):
        """The user of `partner` (a portal customer by default), who logs in with `login` as password."""
        return new_test_user(cls.env, login, groups=groups, partner_id=partner.id)

    @classmethod
    def _create_firm(cls, name, kind="it_firm"):
        """A firm of the partner network (an IT firm by default)."""
        return cls.env["res.partner"].create({"name": name, "is_company": True, "support_firm_kind": kind})

    @classmethod
    def _create_technician(cls, name, firm, login=None, groups=TECHNICIAN):
        """A technician of `firm`; with a `login`, also their portal user (a technician by default)."""
        technician = cls.env["res.partner"].create({"name": name, "parent_id": firm.id, "is_support_technician": True})
        if login:
            cls._create_portal_user(login, technician, groups)
        return technician

    @classmethod
    def _create_fault(cls, code, name, lines=None, **values):
        """A fault of the catalogue; `lines` are (product, hours) pairs, one remote support hour by default."""
        lines = lines or [(cls.product_remote, 1.0)]
        return cls.env["support.fault"].create(
            {
                "code": code,
                "name": name,
                "line_ids": [Command.create({"product_id": product.id, "quantity": hours}) for product, hours in lines],
                **values,
            }
        )

    @classmethod
    def _create_db_fault(cls, code, **values):
        """The database fault: a remote support hour and a database check, 96.00 + 24% VAT = 119.04."""
        lines = [(cls.product_remote, 1.0), (cls.product_db, 1.0)]
        return cls._create_fault(code, "Connection to the database server fails", lines, **values)

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

    def _run_cron(self, cron):
        """Run the scheduled action (a record or its xmlid) as the scheduler does, then read afresh."""
        cron = self.env.ref(cron) if isinstance(cron, str) else cron
        with self.enter_registry_test_mode():
            result = cron.method_direct_trigger()
        # Odoo logs a failing job and answers its error as an action instead of raising it.
        self.assertIs(result, True, f"{cron.name} failed: {result}")
        self.env.invalidate_all()

    def _cron_triggers(self, cron):
        """How many times the scheduled action is triggered to run soon."""
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def _run_triggered_cron(self, cron, triggers):
        """The scheduled action was triggered once more than the `triggers` counted before: run it."""
        self.assertEqual(self._cron_triggers(cron), triggers + 1)
        self._run_cron(cron)

    def _activities(self, record, activity_type):
        """The activities of `record` of the type with xmlid `activity_type`."""
        return record.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(activity_type))

    def _assert_to_schedule(self, request):
        """Covered by an active ESTES: to schedule, with one scheduling activity for the account manager."""
        self.assertEqual(request.state, "to_schedule")
        activity = self._activities(request, "certified_support.mail_activity_to_schedule")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_support)
        return activity

    def _assert_db_fault_accepted(self, acceptance):
        """The customer accepted the database fault's cost (_create_db_fault), line by line."""
        self.assertAlmostEqual(acceptance.amount_total, 119.04)
        self.assertEqual(acceptance.line_ids.product_id, self.product_remote | self.product_db)
        self.assertEqual(acceptance.line_ids.mapped("price_unit"), [36.0, 60.0])


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

    def _post_form(self, url, allow_redirects=True, files=None, **data):
        """Post a portal form as the logged-in user, with its CSRF token (`csrf_token` in `data` replaces it)."""
        data = {"csrf_token": Request.csrf_token(self), **data}
        return self.url_open(url, data=data, files=files, allow_redirects=allow_redirects)

    def _open_page(self, login, url):
        """Log in as `login` (the password is the login) and open `url`, which must answer 200."""
        self.authenticate(login, login)
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return response

    def _assert_sent_to_my_account(self, urls, hidden=()):
        """Each of `urls` sends the logged-in user back to /my, Odoo's answer for a document they may
        not see, and none of `hidden` is on the page they land on."""
        for url in urls:
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertTrue(response.url.endswith("/my"), response.url)
                for secret in hidden:
                    self.assertNotIn(secret, response.text)
