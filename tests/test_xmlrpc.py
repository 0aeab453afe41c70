"""Every public action of the addon answers an external API client (XML-RPC) cleanly.

XML-RPC cannot send ``None``: an action that returns nothing commits its work, then
answers the client with a fault ("cannot marshal None"), and the client believes it
failed. Each button of the addon is called here as the role that presses it.
"""

from xmlrpc.client import Fault

from freezegun import freeze_time

from odoo.tests import tagged

from .a1_common import A1FormMixin
from .common import SupportHttpCommon


@tagged("post_install", "-at_install")
class TestXmlRpcActions(A1FormMixin, SupportHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()

    def _call(self, user, model, method, ids, *args):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, [ids, *args])

    def _assert_answers(self, user, model, method, records, *args):
        """The call succeeds and its answer reached the client."""
        try:
            answer = self._call(user, model, method, records.ids, *args)
        except Fault as fault:
            self.fail(f"{model}.{method} as {user.login}: {fault.faultString}")
        self.assertIsNotNone(answer)
        return answer

    def _assert_each_answers(self, user, model, records, *methods):
        """`_assert_answers` for each of `methods`, called in turn."""
        for method in methods:
            self._assert_answers(user, model, method, records)

    def test_contract_actions(self):
        manager = self.user_manager
        contract = self._create_contract(partner=self.firm, start="2026-01-01", end="2099-12-31")
        self._assert_answers(manager, "support.contract", "action_activate", contract)
        self.assertEqual(contract.state, "active")
        self._assert_each_answers(
            manager,
            "support.contract",
            contract,
            "action_renew",
            "action_view_renewals",
            "action_cancel",
            "action_draft",
        )
        self.assertEqual(contract.state, "draft")

    def test_cooperation_contract_actions(self):
        manager = self.user_manager
        firm = self._create_firm("Σύμβουλοι Πληροφορικής Ε.Ε.")
        contract = self.env["support.cooperation.contract"].create({"firm_id": firm.id, "date_start": "2026-01-01"})
        self._assert_each_answers(
            manager, "support.cooperation.contract", contract, "action_activate", "action_terminate", "action_draft"
        )
        self.assertEqual(contract.state, "draft")

    def test_certification_actions(self):
        manager = self.user_manager
        technician = self.other_technician
        self._assert_answers(manager, "res.partner", "action_support_update_certification", technician)
        self._assert_answers(manager, "res.partner", "action_support_reject_certification", technician)
        self.assertEqual(technician.support_proposal_state, "rejected")
        technician.sudo().support_proposal_state = "proposed"
        self._assert_answers(manager, "res.partner", "action_support_approve_certification", technician)
        self.assertEqual(technician.support_proposal_state, "approved")
        self._assert_answers(manager, "res.partner", "action_view_support_cooperation_contracts", self.firm)
        self._assert_answers(manager, "res.partner", "action_view_support_contracts", self.customer)

    def test_request_and_a1_actions(self):
        user = self.user_support
        request = self.request
        self._assert_each_answers(
            user, "support.request", request, "action_open_schedule", "action_open_cancel", "action_view_a1_forms"
        )
        self._assert_answers(user, "support.request", "action_start", request)
        self.assertEqual(request.state, "in_progress")
        extra = self.env["support.request.extra"].create(
            {"request_id": request.id, "product_id": self.product_db.id, "quantity": 1.0}
        )
        self._assert_answers(user, "support.request.extra", "action_accept_by_phone", extra)
        self.assertEqual(extra.state, "accepted")

        form = self._create_a1(request=request, file=False)
        self._assert_answers(user, "support.a1.form", "action_file", form)
        self.assertEqual(form.state, "filed")
        self._assert_each_answers(user, "support.a1.form", form, "action_print", "action_open_scan_wizard")
        self._assert_answers(user, "support.a1.form", "action_cancel", form)
        self.assertEqual(form.state, "cancelled")

    def test_wizard_actions(self):
        user = self.user_support
        with freeze_time("2026-03-10"):
            pending = self.env["support.request"].create(
                {"partner_id": self.customer.id, "contact_id": self.customer_contact.id, "fault_id": self.fault.id}
            )
            pending._register_request(self.customer_contact)
        wizard_id = self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            user.login,
            "support.request.cancel",
            "create",
            [{"request_ids": [(6, 0, pending.ids)], "reason": "Ο πελάτης έλυσε το πρόβλημα μόνος του."}],
        )
        self._assert_answers(
            user, "support.request.cancel", "action_confirm", self.env["support.request.cancel"].browse(wizard_id)
        )
        self.assertEqual(pending.state, "cancelled")

    def test_request_state_and_parties_are_the_procedures(self):
        """Over the API too, the request's state moves by its transitions only, and the
        customer, company and technician that its acceptances and filed A1 Forms record stay."""
        request = self.request
        self.assertEqual(request.state, "scheduled")
        self.assertTrue(request.acceptance_ids)
        for user in (self.user_support, self.user_manager):
            for vals in (
                {"state": "closed"},
                {"state": "new"},
                {"partner_id": self.other_customer.id},
            ):
                with self.subTest(user=user.login, vals=vals), self.assertRaises(Fault):
                    self._call(user, "support.request", "write", request.ids, vals)
        self.assertEqual((request.state, request.partner_id), ("scheduled", self.customer))
        form = self._create_a1(request=request, file=False)
        form.action_file()
        colleague = self._create_technician("Ελένη Ρήγα", self.firm)
        with self.assertRaises(Fault):
            self._call(self.user_manager, "support.request", "write", request.ids, {"technician_id": colleague.id})
        self.assertEqual(form.technician_id, self.technician)
        # what the procedure writes still goes through
        self._assert_answers(self.user_support, "support.request", "write", request, {"description": "Ξανά."})

    def test_the_customers_answer_to_an_extra_action(self):
        """Over the API, an extra action is accepted with its acceptance or declined, once:
        neither written as accepted without the customer's acceptance nor answered again."""
        user = self.user_support
        extra = self.env["support.request.extra"].create(
            {"request_id": self.request.id, "product_id": self.product_db.id, "quantity": 1.0}
        )
        for vals in ({"state": "accepted"}, {"acceptance_id": self.request.acceptance_ids[:1].id}):
            with self.subTest(vals=vals), self.assertRaises(Fault):
                self._call(user, "support.request.extra", "write", extra.ids, vals)
        self._assert_answers(user, "support.request.extra", "write", extra, {"quantity": 2.0})
        self._assert_answers(user, "support.request.extra", "action_accept_by_phone", extra)
        acceptance = extra.acceptance_id
        for vals in ({"state": "proposed"}, {"acceptance_id": False}, {"quantity": 3.0}):
            with self.subTest(vals=vals), self.assertRaises(Fault):
                self._call(user, "support.request.extra", "write", extra.ids, vals)
        with self.assertRaises(Fault):
            self._call(user, "support.request.extra", "unlink", extra.ids)
        self.assertEqual((extra.state, extra.acceptance_id, extra.quantity), ("accepted", acceptance, 2.0))
