"""The ESTES fee is invoiced and its payment followed; the customer is told before the contract ends."""

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SupportCommon
from .mydata_common import MYDATA_NS, MYDATA_TEST_CREDENTIALS, MyDataMixin


@tagged("post_install", "-at_install")
class TestEstesFee(MyDataMixin, SupportCommon):
    """The vendor is a Greek company on l10n_gr's chart (EUR, its VAT on services)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("el_GR")
        cls.vendor = cls.env["res.company"].create(
            {"name": "Πήγασος Λογισμικό Α.Ε.", "currency_id": cls.env.ref("base.EUR").id}
        )
        cls.env["account.chart.template"].try_loading("gr", company=cls.vendor, install_demo=False)
        chart = cls.env["account.chart.template"].with_company(cls.vendor)
        cls.tax_goods = chart.ref("l10n_gr_tax_s24_G")
        cls.tax_services = chart.ref("l10n_gr_tax_s24_S")
        cls.fpos_domestic = chart.ref("fiscal_position_template_domestic")
        for user in (cls.user_support, cls.user_accountant, cls.user_manager):
            user.company_ids |= cls.vendor
        # The ESTES service as Odoo proposes a new product: with the company's default (goods) VAT.
        cls.product_fee = cls.env["product.product"].create(
            {
                "name": "ESTES ετήσια τεχνική υποστήριξη",
                "type": "service",
                "list_price": 480.0,
                "company_id": cls.vendor.id,
                "taxes_id": [Command.set(cls.tax_goods.ids)],
            }
        )
        cls.greek = cls._customer(
            "Βιομηχανία Ξύλου Μακεδονίας Α.Ε.", "el_GR", "54625", "Θεσσαλονίκη", "logistirio@xylo-makedonias.gr"
        )
        cls.english = cls._customer(
            "Aegean Charter Ltd", "en_US", "18535", "Πειραιάς", "accounts@aegean-charter.example.com"
        )

    @classmethod
    def _customer(cls, name, lang, zip_code, city, email):
        """A customer company in Greece, reading `lang`, of the account manager."""
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "lang": lang,
                "country_id": cls.env.ref("base.gr").id,
                "zip": zip_code,
                "city": city,
                "email": email,
                "user_id": cls.user_support.id,
            }
        )

    def _contract(self, partner=None, start="2027-01-01", end="2027-12-31", user=None):
        return (
            self.Contract.with_user(user or self.user_support)
            .with_company(self.vendor)
            .create(
                {
                    "partner_id": (partner or self.greek).id,
                    "company_id": self.vendor.id,
                    "product_id": self.product_fee.id,
                    "date_start": start,
                    "date_end": end,
                }
            )
        )

    def _pay(self, invoice, amount=None):
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.user_accountant)
            .with_context(
                active_model="account.move",
                active_ids=invoice.ids,
                allowed_company_ids=self.vendor.ids,
            )
            .create({"amount": amount or invoice.amount_residual, "payment_date": invoice.invoice_date})
        )
        wizard._create_payments()

    def _post(self, invoice, date="2027-01-05"):
        invoice.with_user(self.user_accountant).with_context(allowed_company_ids=self.vendor.ids).write(
            {
                "invoice_date": date,
                "invoice_date_due": date,
            }
        )
        invoice.with_user(self.user_accountant).with_context(allowed_company_ids=self.vendor.ids).action_post()

    # ------------------------------------------------------------------
    # The fee invoice
    # ------------------------------------------------------------------

    @freeze_time("2026-12-15")
    def test_activation_drafts_the_fee_invoice(self):
        self.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        contract = self._contract()
        contract.action_activate()
        invoice = contract.sudo().invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertRecordValues(
            invoice,
            [
                {
                    "move_type": "out_invoice",
                    "state": "draft",
                    "partner_id": self.greek.id,
                    "company_id": self.vendor.id,
                    "currency_id": self.env.ref("base.EUR").id,
                    "fiscal_position_id": self.fpos_domestic.id,
                    "invoice_origin": contract.name,
                    "invoice_user_id": self.user_support.id,
                    "amount_untaxed": 480.0,
                    "amount_tax": 115.2,
                    "amount_total": 595.2,
                }
            ],
        )
        self.assertEqual(invoice.journal_id.company_id, self.vendor)
        line = invoice.invoice_line_ids
        self.assertEqual(len(line), 1)
        self.assertEqual(line.product_id, self.product_fee)
        self.assertEqual(line.price_unit, 480.0)
        self.assertEqual(line.quantity, 1.0)
        self.assertEqual(line.tax_ids, self.tax_services, "the services VAT, not the goods VAT of the product")
        # The period in the customer's language (Greek dates: day first).
        self.assertEqual(line.name, f"ΕΣΤΕΣ {contract.name} 01/01/2027–31/12/2027")
        self.assertEqual(contract.fee_state, "draft")
        self.assertEqual(contract.with_user(self.user_accountant).invoice_count, 1)

    @freeze_time("2026-12-15")
    def test_label_in_english_for_an_english_customer(self):
        contract = self._contract(partner=self.english)
        contract.action_activate()
        self.assertEqual(
            contract.sudo().invoice_ids.invoice_line_ids.name,
            f"ESTES {contract.name} 01/01/2027–12/31/2027",
        )

    @freeze_time("2026-12-15")
    def test_fee_invoices_pass_mydata(self):
        """The fee invoice is what myDATA expects of a service: an invoice of services (2.1)
        to a customer with ΑΦΜ, a receipt (11.2) to one without, income from services, the
        services VAT, issued on credit; l10n_gr_edi's own pre-send checks find nothing."""
        self.vendor.partner_id.write(
            {"country_id": self.env.ref("base.gr").id, "vat": "EL094123454", "zip": "115 27", "city": "Αθήνα"}
        )
        self.vendor.write(MYDATA_TEST_CREDENTIALS)
        self.greek.vat = "EL094761359"
        cases = [(self.greek, "2.1", "E3_561_001"), (self.english, "11.2", "E3_561_003")]
        for partner, inv_type, cls_type in cases:
            with self.subTest(partner=partner.name):
                contract = self._contract(partner=partner)
                contract.action_activate()
                invoice = contract.sudo().invoice_ids
                self._post(invoice)
                self.assertEqual(invoice.l10n_gr_edi_inv_type, inv_type)
                self.assertEqual(self._mydata_pre_errors(invoice), {})
                xml_invoice = self._mydata_xml(invoice).find("inv:invoice", namespaces=MYDATA_NS)
                self.assertEqual(self._xml_text(xml_invoice, "inv:issuer/inv:vatNumber"), "094123454")
                self.assertEqual(self._xml_text(xml_invoice, "inv:invoiceHeader/inv:invoiceType"), inv_type)
                self.assertEqual(self._xml_text(xml_invoice, "inv:invoiceHeader/inv:currency"), "EUR")
                detail = xml_invoice.find("inv:invoiceDetails", namespaces=MYDATA_NS)
                self.assertEqual(self._xml_text(detail, "inv:vatCategory"), "1", "24%")
                self.assertAlmostEqual(float(self._xml_text(detail, "inv:netValue")), 480.0)
                self.assertAlmostEqual(float(self._xml_text(detail, "inv:vatAmount")), 115.2)
                self.assertEqual(
                    self._xml_text(detail, "inv:incomeClassification/icls:classificationCategory"), "category1_3"
                )
                self.assertEqual(self._xml_text(detail, "inv:incomeClassification/icls:classificationType"), cls_type)
                self.assertEqual(
                    self._xml_texts(xml_invoice, "inv:paymentMethods/inv:paymentMethodDetails/inv:type"), ["5"]
                )

    @freeze_time("2026-12-15")
    def test_invoiced_once(self):
        contract = self._contract()
        contract.action_activate()
        invoice = contract.sudo().invoice_ids
        self.assertFalse(contract._create_fee_invoices(), "activating again creates nothing")
        with self.assertRaisesRegex(UserError, "already has its fee invoice"):
            contract.with_user(self.user_accountant).with_company(self.vendor).action_create_fee_invoice()
        with self.assertRaisesRegex(UserError, "Only draft contracts can be activated"):
            contract.action_activate()
        self.assertEqual(contract.sudo().invoice_ids, invoice)
        # A second live invoice is refused by the database too.
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["account.move"].with_company(self.vendor).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.greek.id,
                    "support_contract_id": contract.id,
                    "invoice_line_ids": [Command.create({"product_id": self.product_fee.id, "price_unit": 480.0})],
                }
            )

    def test_renewal_invoiced_when_activated(self):
        with freeze_time("2027-12-05"):
            contract = self._contract()
            contract.sudo().state = "active"  # activated last year (no invoice then)
            contract._create_fee_invoices()
            renewal = contract._cron_draft_renewals()
            self.assertEqual(renewal.renewed_from_id, contract)
            self.assertEqual(renewal.fee_state, "no", "a draft renewal is no invoice yet: the customer may refuse it")
            self.assertEqual(len(contract.sudo().invoice_ids), 1)
            renewal.with_user(self.user_support).action_activate()
        invoice = renewal.sudo().invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertNotEqual(invoice, contract.sudo().invoice_ids)
        self.assertTrue(invoice.invoice_line_ids.name.endswith("01/01/2028–31/12/2028"), invoice.invoice_line_ids.name)
        self.assertEqual(len(contract.sudo().invoice_ids), 1, "the renewal does not invoice the first year again")

    @freeze_time("2026-12-15")
    def test_accountant_links_their_invoice(self):
        contract = self._contract()
        accountant = (
            self.env["account.move"]
            .with_user(self.user_accountant)
            .with_context(
                allowed_company_ids=self.vendor.ids,
                default_move_type="out_invoice",
            )
        )
        move_form = Form(accountant)
        move_form.partner_id = self.greek
        with move_form.invoice_line_ids.new() as line:
            line.product_id = self.product_fee
            line.price_unit = 450.0
        move_form.support_contract_id = contract
        invoice = move_form.save()
        self.assertEqual(contract.fee_state, "draft")
        contract.action_activate()
        self.assertEqual(contract.sudo().invoice_ids, invoice, "no second invoice for a contract with one linked")
        # Only an invoice of the contract's customer.
        other = accountant.create(
            {
                "partner_id": self.english.id,
                "invoice_line_ids": [Command.create({"product_id": self.product_fee.id, "price_unit": 480.0})],
            }
        )
        with self.assertRaises(ValidationError):
            other.support_contract_id = self._contract(start="2028-01-01", end="2028-12-31")

    @freeze_time("2026-12-15")
    def test_accountant_invoices_when_activation_does_not(self):
        self.vendor.support_contract_invoice_on_activation = False
        contract = self._contract()
        contract.action_activate()
        self.assertEqual(contract.fee_state, "no")
        self.assertFalse(contract.sudo().invoice_ids)
        with self.assertRaises(AccessError):
            contract.with_user(self.user_support).action_create_fee_invoice()
        action = contract.with_user(self.user_accountant).with_company(self.vendor).action_create_fee_invoice()
        invoice = contract.sudo().invoice_ids
        self.assertEqual(action["res_id"], invoice.id)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax_services)

    @freeze_time("2026-12-15")
    def test_fee_paid_follows_the_payment(self):
        contract = self._contract()
        contract.action_activate()
        invoice = contract.sudo().invoice_ids
        self._post(invoice)
        self.assertEqual(contract.fee_state, "unpaid")
        self._pay(invoice, amount=100.0)
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(contract.fee_state, "unpaid")
        self._pay(invoice)
        self.assertIn(invoice.payment_state, ("in_payment", "paid"))
        self.assertEqual(contract.fee_state, "paid")
        self.assertEqual(contract.with_user(self.user_support).fee_state, "paid", "the account manager sees it")

    @freeze_time("2027-01-10")
    def test_credited_fee_can_be_invoiced_again(self):
        """A credit note that reverses the whole fee (a wrong price, say) leaves the contract
        without a fee invoice: it is not unpaid, and the accountant invoices it again."""
        contract = self._contract()
        contract.action_activate()
        invoice = contract.sudo().invoice_ids
        self._post(invoice)
        self.assertEqual(contract.fee_state, "unpaid")
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.user_accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids, allowed_company_ids=self.vendor.ids)
            .create({"reason": "Λάθος τιμή", "journal_id": invoice.journal_id.id})
        )
        reversal.refund_moves()
        credit_note = reversal.new_move_ids
        credit_note.with_user(self.user_accountant).with_context(allowed_company_ids=self.vendor.ids).action_post()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertEqual(contract.fee_state, "no", "the credited fee is no longer owed")
        self.env["support.contract"]._cron_fee_unpaid()
        self.assertFalse(self._unpaid_activities(contract), "no reminder of a fee that is not owed")
        contract.with_user(self.user_accountant).with_company(self.vendor).action_create_fee_invoice()
        new_invoice = contract.sudo().invoice_ids.filtered(lambda m: m.move_type == "out_invoice") - invoice
        self.assertEqual(len(new_invoice), 1)
        self.assertEqual(new_invoice.state, "draft")
        self.assertEqual(contract.fee_state, "draft")

    # ------------------------------------------------------------------
    # Unpaid after the due date
    # ------------------------------------------------------------------

    def _unpaid_activities(self, contracts):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "support.contract"),
                ("res_id", "in", contracts.ids),
                ("activity_type_id", "=", self.env.ref("certified_support.mail_activity_contract_fee_unpaid").id),
            ]
        )

    def test_unpaid_fee_gives_the_account_manager_one_activity(self):
        with freeze_time("2026-12-15"):
            unpaid, paid, not_due = (
                self._contract(),
                self._contract(self.english),
                self._contract(self.env["res.partner"].create({"name": "Ελαιουργία Κρήτης Α.Ε.", "is_company": True})),
            )
            (unpaid | paid | not_due).action_activate()
        self._post(unpaid.sudo().invoice_ids, "2027-01-05")
        self._post(paid.sudo().invoice_ids, "2027-01-05")
        self._pay(paid.sudo().invoice_ids)
        self._post(not_due.sudo().invoice_ids, "2027-02-20")
        cron = self.env.ref("certified_support.ir_cron_contract_fee_unpaid")
        self.assertEqual((cron.code, cron.interval_type, cron.active), ("model._cron_fee_unpaid()", "days", True))
        with freeze_time("2027-02-10"):
            self.Contract._cron_fee_unpaid()
            self.Contract._cron_fee_unpaid()
        activity = self._unpaid_activities(unpaid | paid | not_due)
        self.assertEqual(len(activity), 1, "one activity, once, for the unpaid contract only")
        self.assertEqual(activity.res_id, unpaid.id)
        self.assertEqual(activity.user_id, self.user_support)
        self.assertEqual(unpaid.state, "active", "the contract stays active")
        # Paid since: the reminder is done.
        self._pay(unpaid.sudo().invoice_ids)
        with freeze_time("2027-02-11"):
            self.Contract._cron_fee_unpaid()
        self.assertFalse(self._unpaid_activities(unpaid))
        self.assertEqual(unpaid.fee_state, "paid")

    def test_unpaid_cron_queries_do_not_grow_with_the_contracts(self):
        def overdue(count):
            partners = self.env["res.partner"].create(
                [
                    {"name": f"Πελάτης {n} Ο.Ε.", "is_company": True, "user_id": self.user_support.id}
                    for n in range(count)
                ]
            )
            with freeze_time("2026-12-15"):
                contracts = self.Contract.with_company(self.vendor).create(
                    [
                        {
                            "partner_id": p.id,
                            "company_id": self.vendor.id,
                            "product_id": self.product_fee.id,
                            "date_start": "2027-01-01",
                            "date_end": "2027-12-31",
                        }
                        for p in partners
                    ]
                )
                contracts.action_activate()
            invoices = contracts.sudo().invoice_ids
            invoices.write({"invoice_date": "2027-01-05", "invoice_date_due": "2027-01-05"})
            invoices.action_post()
            self.env.flush_all()
            self.env.invalidate_all()
            return contracts

        def queries():
            before = self.cr.sql_log_count
            with freeze_time("2027-02-10"):
                self.Contract._cron_fee_unpaid()
            self.env.flush_all()
            return self.cr.sql_log_count - before

        few = overdue(2)
        few_queries = queries()
        self.assertEqual(len(self._unpaid_activities(few)), 2)
        many = overdue(20)
        many_queries = queries()
        self.assertEqual(len(self._unpaid_activities(many)), 20)
        self.assertLessEqual(many_queries, few_queries + 10, (few_queries, many_queries))

    # ------------------------------------------------------------------
    # Who sees what
    # ------------------------------------------------------------------

    @freeze_time("2026-12-15")
    def test_roles(self):
        contract = self._contract()
        contract.with_user(self.user_support).action_activate()
        invoice = contract.sudo().invoice_ids
        self.assertEqual(invoice.create_uid, self.user_support, "drafted in the name of who activated it")
        # The account manager sees whether the fee is paid, not the invoice.
        self.assertEqual(contract.with_user(self.user_support).fee_state, "draft")
        with self.assertRaises(AccessError):
            contract.with_user(self.user_support).read(["invoice_ids"])
        with self.assertRaises(AccessError):
            invoice.with_user(self.user_support).read(["name"])
        # The accountant sees the invoices of the contract and the contract of the invoice.
        as_accountant = contract.with_user(self.user_accountant).with_company(self.vendor)
        self.assertEqual(as_accountant.invoice_ids, invoice)
        self.assertEqual(as_accountant.action_view_invoices()["res_id"], invoice.id)
        self.assertEqual(invoice.with_user(self.user_accountant).support_contract_id, contract)
        # An invoicing user without support rights opens the invoice, without the contract.
        invoicing = new_test_user(
            self.env,
            "cs_fee_invoicing",
            groups="base.group_user,account.group_account_invoice",
            company_ids=[Command.set(self.vendor.ids)],
            company_id=self.vendor.id,
        )
        Form(invoice.with_user(invoicing))
        with self.assertRaises(AccessError):
            invoice.with_user(invoicing).read(["support_contract_id"])
        # The customer's portal user reads the contract, not its invoices.
        portal = new_test_user(
            self.env,
            "cs_fee_portal",
            groups="base.group_portal",
            partner_id=self.env["res.partner"].create({"name": "Αθανάσιος Δήμου", "parent_id": self.greek.id}).id,
            company_ids=[Command.set(self.vendor.ids)],
            company_id=self.vendor.id,
        )
        self.assertEqual(contract.with_user(portal).read(["name"])[0]["name"], contract.name)
        with self.assertRaises(AccessError):
            contract.with_user(portal).read(["invoice_ids"])

    # ------------------------------------------------------------------
    # The expiry notice (30 days before the end)
    # ------------------------------------------------------------------

    def _expiry_mails(self, contract):
        """The customer's e-mail: the comment posted on the contract, notified by e-mail."""
        return contract.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.subtype_id == self.env.ref("mail.mt_comment")
        )

    def test_expiry_notice_sent_once_in_the_customers_language(self):
        self.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)
        with freeze_time("2026-12-15"):
            greek, english = self._contract(), self._contract(self.english)
            later = self._contract(
                self.env["res.partner"].create({"name": "Ελαιουργία Κρήτης Α.Ε.", "is_company": True}),
                end="2028-01-31",
            )
            (greek | english | later).action_activate()
        # the account manager follows the contract: the customer's letter is not theirs
        greek.message_subscribe(self.user_support.partner_id.ids)
        cron = self.env.ref("certified_support.ir_cron_contract_expiry_notice")
        self.assertEqual(
            (cron.code, cron.interval_type, cron.active), ("model._cron_send_expiry_notices()", "days", True)
        )
        with freeze_time("2027-12-01"):
            self.Contract._cron_send_expiry_notices()
            self.Contract._cron_send_expiry_notices()
        mail = self._expiry_mails(greek)
        self.assertEqual(len(mail), 1, "sent once")
        self.assertEqual(mail.notification_ids.res_partner_id, self.greek)
        self.assertEqual(mail.notification_ids.notification_type, "email")
        self.assertIn(greek.name, mail.subject)
        self.assertIn("Η σύμβαση ΕΣΤΕΣ σας", mail.subject, "in Greek")
        self.assertIn("31/12/2027", str(mail.body))
        self.assertIn(f"/my/contracts/{greek.id}?access_token={greek.access_token}", str(mail.body))
        self.assertIn(self.vendor.name, str(mail.body))
        mail = self._expiry_mails(english)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.notification_ids.res_partner_id, self.english)
        self.assertIn(f"Your ESTES contract {english.name} ends on 12/31/2027", mail.subject)
        self.assertIn("To renew it for another year", str(mail.body))
        self.assertEqual(greek.expiry_notice_sent_on, fields.Date.to_date("2027-12-01"))
        self.assertFalse(self._expiry_mails(later), "ends in more than 30 days")
        self.assertFalse(later.expiry_notice_sent_on)

    def test_no_expiry_notice_for_a_renewed_contract(self):
        with freeze_time("2026-12-15"):
            contract = self._contract()
            contract.action_activate()
        with freeze_time("2027-11-25"):
            contract.with_user(self.user_support).action_renew()
            renewal = contract.renewal_ids
            renewal.with_user(self.user_support).action_activate()
        with freeze_time("2027-12-01"):
            self.Contract._cron_send_expiry_notices()
        self.assertFalse(self._expiry_mails(contract))
        self.assertFalse(contract.expiry_notice_sent_on)
