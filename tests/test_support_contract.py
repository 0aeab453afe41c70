from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SupportCommon


@tagged("post_install", "-at_install")
class TestSupportContract(SupportCommon):
    @freeze_time("2026-03-10")
    def test_lifecycle_and_numbering(self):
        contract = self._create_contract()
        self.assertEqual(contract.state, "draft")
        self.assertTrue(contract.name.startswith("ESTES/2026/"), contract.name)
        self.assertEqual(contract.user_id, self.user_support, "account manager = the customer's salesperson")
        self.assertEqual(contract.price, 480.0, "annual price taken from the service")

        contract.action_activate()
        self.assertEqual(contract.state, "active")
        with self.assertRaises(UserError):
            contract.action_activate()

        contract.action_cancel()
        self.assertEqual(contract.state, "cancelled")
        contract.action_draft()
        self.assertEqual(contract.state, "draft")

    def test_ended_contract_cannot_be_activated(self):
        contract = self._create_contract(start="2025-01-01", end="2025-12-31")
        with freeze_time("2026-03-10"), self.assertRaises(UserError):
            contract.action_activate()

    def test_expiry_by_cron(self):
        with freeze_time("2026-06-01"):
            ending = self._create_contract(start="2025-07-01", end="2026-06-30", state="active")
            running = self._create_contract(partner=self.other_customer, state="active")  # the whole of 2026
        with freeze_time("2026-06-30"):
            self._run_cron("certified_support.ir_cron_contract_expire")
        self.assertEqual(ending.state, "active", "still active on its last day")
        with freeze_time("2026-07-01"):
            self._run_cron("certified_support.ir_cron_contract_expire")
            self.assertEqual(ending.state, "expired")
            self.assertEqual(running.state, "active")

    def test_gate_on_a_set_of_customers_in_one_query(self):
        third = self.env["res.partner"].create({"name": "Κρητικά Ελαιόλαδα", "is_company": True})
        with freeze_time("2026-03-10"):
            self._create_contract(start="2026-01-01", end="2026-12-31", state="active")
            self._create_contract(partner=third, start="2026-01-01", end="2026-12-31")  # draft
        with freeze_time("2026-02-10"):
            self._create_contract(partner=self.other_customer, start="2026-02-01", end="2026-02-28", state="active")
        partners = self.customer | self.customer_contact | self.other_customer | third
        with freeze_time("2026-03-10"):
            partners._get_support_contract_holders()  # expires the February contract once
            self.env.invalidate_all(flush=True)
            partners.fetch(["commercial_partner_id"])
            self.env.user.fetch(["tz"])  # today's date in the user's timezone
            with self.assertQueryCount(1):
                covered = partners._get_support_contract_holders()
            self.assertEqual(
                covered,
                self.customer | self.customer_contact,
                "a contact is covered by its company's contract; draft and ended ones do not count",
            )

    def test_gate_ignores_ended_contracts_before_the_cron(self):
        with freeze_time("2026-01-15"):
            stale = self._create_contract(start="2025-02-01", end="2026-01-31", state="active")
        with freeze_time("2026-02-02"):
            # The daily cron has not run yet: the gate must not let the customer through,
            # and reading it writes nothing (forms and pages read it on read-only cursors).
            covered = self.customer.with_user(self.user_customer)._get_support_contract_holders()
            self.assertFalse(covered)
            self.assertFalse(self.customer.support_has_active_contract)
            self.assertEqual(stale.state, "active")
            self._run_cron("certified_support.ir_cron_contract_expire")
            self.assertEqual(stale.state, "expired")

    def test_has_active_contract_search(self):
        with freeze_time("2026-03-10"):
            self._create_contract(state="active")
            found = self.env["res.partner"].search(
                [
                    ("support_has_active_contract", "=", True),
                    ("id", "in", (self.customer | self.customer_contact | self.other_customer).ids),
                ]
            )
            self.assertEqual(found, self.customer | self.customer_contact)
            not_found = self.env["res.partner"].search(
                [("support_has_active_contract", "=", False), ("id", "in", (self.customer | self.other_customer).ids)]
            )
            self.assertEqual(not_found, self.other_customer)

    @freeze_time("2026-03-10")
    def test_overlapping_active_contracts_refused(self):
        self._create_contract(start="2026-01-01", end="2026-12-31", state="active")
        overlapping = self._create_contract(start="2026-12-01", end="2027-11-30")
        with self.assertRaisesRegex(ValidationError, "overlaps"), self.cr.savepoint():
            overlapping.action_activate()
        self.assertEqual(overlapping.state, "draft")
        # The same period for another customer is fine, and so is the following year.
        self._create_contract(partner=self.other_customer, state="active")
        overlapping.unlink()
        following = self._create_contract(start="2027-01-01", end="2027-12-31")
        following.action_activate()
        self.assertEqual(following.state, "active")

    @mute_logger("odoo.sql_db")
    def test_end_before_start_refused(self):
        with self.assertRaises(IntegrityError) as error:
            self._create_contract(start="2026-06-01", end="2026-05-31")
        self.assertEqual(error.exception.diag.constraint_name, "support_contract_date_check")

    def test_contract_must_be_with_the_company(self):
        with self.assertRaisesRegex(ValidationError, "customer company"):
            self._create_contract(partner=self.customer_contact)

    @freeze_time("2026-03-10")
    def test_only_draft_or_cancelled_contracts_can_be_deleted(self):
        active = self._create_contract(state="active")
        with self.assertRaises(UserError):
            active.unlink()
        draft = self._create_contract(partner=self.other_customer)
        draft.unlink()
        self.assertFalse(draft.exists())

    @freeze_time("2026-03-10")
    def test_renew_button(self):
        contract = self._create_contract(start="2025-04-01", end="2026-03-31", state="active")
        self.product_estes.lst_price = 520.0
        action = contract.action_renew()
        renewal = self.Contract.browse(action["res_id"])
        self.assertEqual(renewal.state, "draft")
        self.assertEqual(str(renewal.date_start), "2026-04-01")
        self.assertEqual(str(renewal.date_end), "2027-03-31")
        self.assertEqual(renewal.price, 520.0, "next year at the current price of the service")
        self.assertEqual(renewal.renewed_from_id, contract)
        with self.assertRaisesRegex(UserError, "already has a renewal"):
            contract.action_renew()

    def test_renewal_cron_drafts_once_with_an_activity(self):
        self.company.support_contract_renewal_days = 30
        with freeze_time("2026-01-10"):
            soon = self._create_contract(start="2025-03-01", end="2026-02-28", state="active")
            later = self._create_contract(partner=self.other_customer, state="active")  # the whole of 2026
        with freeze_time("2026-02-01"):
            self._run_cron("certified_support.ir_cron_contract_renewal")
            self._run_cron("certified_support.ir_cron_contract_renewal")
        self.assertEqual(len(soon.renewal_ids), 1, "drafted once, however often the cron runs")
        self.assertFalse(later.renewal_ids)
        renewal = soon.renewal_ids
        activity = renewal.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_support)
        self.assertEqual(activity.activity_type_id, self.env.ref("certified_support.mail_activity_contract_renewal"))
