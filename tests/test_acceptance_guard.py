"""Cost acceptances are written by the procedure only (legal evidence of step 4 and 6).

For every role, with and without every context key the addon reads: no create, no write,
no delete of an acceptance or of its lines; cancelling goes through ``_cancel`` only,
and a cancelled acceptance never becomes valid again.
"""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SupportCommon

# Every key of the context that the addon's code reads, set to a true value.
ADDON_CONTEXT_KEYS = {
    "support_acceptance_cancel": True,
    "support_escalation_digest": True,
    "hardware_recommendations": True,
    "can_record_invoice": True,
}


@tagged("post_install", "-at_install")
class TestAcceptanceGuard(SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fault = cls._create_fault("F11", "Backup does not run")
        with freeze_time("2026-03-10"):
            cls._create_contract(state="active")
            cls.request = cls.env["support.request"].create(
                {"partner_id": cls.customer.id, "contact_id": cls.customer_contact.id, "fault_id": cls.fault.id}
            )
            cls.request._register_request(cls.customer_contact)
        cls.acceptance = cls.request.acceptance_ids
        cls.roles = {
            "support user": cls.user_support,
            "production": cls.user_production,
            "accountant": cls.user_accountant,
            "support manager": cls.user_manager,
            "customer": cls.user_customer,
            "technician": cls.user_technician,
            "firm manager": cls.user_firm_manager,
        }

    def _attempts(self, env):
        acceptance = self.acceptance.with_env(env)
        line = env["support.acceptance.line"].browse(self.acceptance.line_ids[:1].id)
        return {
            "create acceptance": lambda: env["support.acceptance"].create(
                {
                    "request_id": self.request.id,
                    "accepted_by_id": self.customer_contact.id,
                    "channel": "portal",
                    "currency_id": self.company.currency_id.id,
                    "amount_total": 1.0,
                }
            ),
            "add a line": lambda: env["support.acceptance.line"].create(
                {"acceptance_id": acceptance.id, "product_id": self.product_db.id, "name": "Extra", "price_unit": 1.0}
            ),
            "write amount": lambda: acceptance.write({"amount_total": 1.0}),
            "write who": lambda: acceptance.write({"accepted_by_id": self.other_contact.id}),
            "write cancellation": lambda: acceptance.write({"state": "cancelled", "cancel_reason": "x"}),
            "write line": lambda: line.write({"price_unit": 1.0}),
            "delete": lambda: acceptance.unlink(),
            "delete line": lambda: line.unlink(),
        }

    def test_no_role_writes_acceptances_with_or_without_context_keys(self):
        for role, user in self.roles.items():
            for context in ({}, ADDON_CONTEXT_KEYS):
                env = self.env(user=user, context=dict(self.env.context, **context))
                for operation, attempt in self._attempts(env).items():
                    with self.subTest(role=role, context=bool(context), operation=operation):
                        with self.assertRaises(UserError), self.env.cr.savepoint():  # AccessError is a UserError too
                            attempt()
        self.assertEqual(self.acceptance.state, "valid")
        self.assertEqual(len(self.request.acceptance_ids), 1)
        self.assertEqual(len(self.acceptance.line_ids), 1)
        self.assertAlmostEqual(self.acceptance.amount_total, 44.64)

    def test_privileged_code_cannot_rewrite_either(self):
        for operation, attempt in self._attempts(self.env(su=True)).items():
            if operation in ("create acceptance", "add a line", "write cancellation"):
                continue  # what the procedure's own privileged code does (``_record``, ``_cancel``)
            with self.subTest(operation=operation):
                with self.assertRaises(UserError), self.env.cr.savepoint():
                    attempt()

    def test_cancel_checks_the_caller_and_is_final(self):
        for user in (self.user_customer, self.user_technician, self.user_accountant):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.acceptance.with_user(user)._cancel("Δεν το θέλω")
        self.acceptance.with_user(self.user_support)._cancel("  Διπλή καταχώριση  ")
        self.assertEqual(self.acceptance.state, "cancelled")
        self.assertEqual(self.acceptance.cancel_user_id, self.user_support)
        self.assertEqual(self.acceptance.cancel_reason, "Διπλή καταχώριση")
        # Never valid again, never re-cancelled with another reason: not even by privileged code.
        for vals in ({"state": "valid"}, {"state": "cancelled", "cancel_reason": "άλλος λόγος"}):
            with self.subTest(vals=vals), self.assertRaises(UserError), self.env.cr.savepoint():
                self.acceptance.sudo().write(vals)
        with self.assertRaises(UserError):
            self.acceptance.with_user(self.user_manager)._cancel("ξανά")
        self.assertEqual(self.acceptance.state, "cancelled")
        self.assertEqual(self.acceptance.cancel_reason, "Διπλή καταχώριση")

    @freeze_time("2026-03-10")
    def test_refused_request_cancels_its_acceptance(self):
        request = self.env["support.request"].create(
            {"partner_id": self.other_customer.id, "contact_id": self.other_contact.id, "fault_id": self.fault.id}
        )
        request._register_request(self.other_contact)
        self.assertEqual(request.state, "waiting_contract")
        self.assertAlmostEqual(request.acceptance_ids.amount_total, 44.64)
        request.lead_id.action_set_lost()
        self.assertEqual(request.state, "refused")
        self.assertEqual(request.acceptance_ids.state, "cancelled")
        self.assertIn("ESTES", request.acceptance_ids.cancel_reason)
        self.assertAlmostEqual(request.amount_accepted, 0.0, "a refused request is not accepted money")

    def test_only_valid_acceptances_count(self):
        """A cancelled acceptance is out of what the request has accepted: its amount, the
        actions an A1 Form may give and the lines it starts with (``_filter_valid``)."""
        other_fault = self.env["support.fault"].create(
            {
                "code": "F12",
                "name": "Database grows too fast",
                "line_ids": [Command.create({"product_id": self.product_db.id, "quantity": 2.0, "price_unit": 30.0})],
            }
        )
        action = other_fault.line_ids
        extra = self.env["support.acceptance"]._record(
            self.request._prepare_acceptance_values(self.customer_contact, "phone", kind="extra", lines=action)
        )
        self.assertEqual(
            extra.line_ids.read(["product_id", "name", "quantity", "price_unit", "tax_ids", "price_total"])[0],
            {
                "id": extra.line_ids.id,
                "product_id": (self.product_db.id, self.product_db.display_name),
                "name": action.name,
                "quantity": 2.0,
                "price_unit": 30.0,
                "tax_ids": action.tax_ids.ids,
                "price_total": action.price_total,
            },
            "the accepted action is the priced line as the customer saw it",
        )
        acceptances = self.request.acceptance_ids
        self.assertEqual(acceptances._filter_valid(), acceptances)
        self.acceptance.with_user(self.user_support)._cancel("Διπλή καταχώριση")
        self.assertEqual(acceptances._filter_valid(), extra)
        self.assertAlmostEqual(self.request.amount_accepted, extra.amount_total)
        self.assertEqual(self.request._get_a1_accepted_products(), self.product_db)
        self.assertEqual(
            self.request._prepare_a1_line_commands(),
            [
                Command.create(
                    {
                        "sequence": 0,
                        "product_id": self.product_db.id,
                        "name": action.name,
                        "quantity": 2.0,
                        "price_unit": 30.0,
                        "tax_ids": [Command.set(action.tax_ids.ids)],
                    }
                )
            ],
        )
        self.assertFalse(self.request._support_letter_acceptances(), "the request's own acceptance is cancelled")
