from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SupportCommon
from .production_common import ProductionOrderMixin

RECOMMENDATIONS = [
    {"name": "Αναβάθμιση σε Πήγασος ERP 6", "kind": "software", "estimated_cost": 800.0},
    {"name": "Επέκταση φιλοξενίας κατά 50 GB", "kind": "hosting", "estimated_cost": 120.0},
    {"name": "Νέος διακομιστής", "kind": "hardware", "estimated_cost": 1500.0},
    {"name": "Εκπαίδευση προσωπικού", "kind": "other", "estimated_cost": 200.0},
    {"name": "Νέα αναφορά πωλήσεων", "kind": "software", "estimated_cost": 300.0},
]


@tagged("post_install", "-at_install")
class TestProductionOrder(ProductionOrderMixin, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls.company.support_production_user_id = cls.user_production

    def test_orders_only_for_accepted_software_and_hosting(self):
        form = self._create_a1(recommendation_ids=[Command.create(rec) for rec in RECOMMENDATIONS])
        recs = form.recommendation_ids
        accepted = recs.filtered(lambda r: r.name != "Νέα αναφορά πωλήσεων")
        self.assertFalse(form.production_order_ids, "nothing before the signature")
        self._sign_a1(form, accepted=accepted)
        orders = form.production_order_ids
        self.assertEqual(len(orders), 2)
        self.assertEqual(set(orders.mapped("kind")), {"software", "hosting"})
        self.assertEqual(
            orders.recommendation_id, recs.filtered(lambda r: r.kind in ("software", "hosting") and r.accepted == "yes")
        )
        for order in orders:
            self.assertEqual(order.state, "draft")
            self.assertEqual(order.partner_id, self.customer)
            self.assertEqual(order.firm_id, self.firm)
            self.assertEqual(order.company_id, self.company)
            self.assertEqual(order.amount, order.recommendation_id.estimated_cost)
            self.assertTrue(order.name.startswith("ΠΠΥ/"), order.name)
            self.assertTrue(order.access_token)

    def test_hardware_notice_mailed_to_the_firm_managers(self):
        form = self._create_a1()
        self.env["mail.mail"].search([]).unlink()
        self._sign_a1(form)  # both recommendations: software and hardware
        self.assertEqual(len(form.production_order_ids), 1, "hardware gives no order")
        mails = self.env["mail.mail"].search([("model", "=", "support.a1.form"), ("res_id", "=", form.id)])
        notice = mails.filtered(lambda m: "Νέος διακομιστής" in (m.body_html or ""))
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.recipient_ids, self.firm_manager)
        self.assertNotIn(self.technician, notice.recipient_ids, "only the firm's managers")
        self.assertIn(form.name, notice.subject)

    def test_no_hardware_notice_when_not_accepted(self):
        form = self._create_a1()
        self.env["mail.mail"].search([]).unlink()
        self._sign_a1(form, accepted=form.recommendation_ids.filtered(lambda r: r.kind == "software"))
        mails = self.env["mail.mail"].search([("model", "=", "support.a1.form"), ("res_id", "=", form.id)])
        self.assertFalse(mails.filtered(lambda m: "Νέος διακομιστής" in (m.body_html or "")))

    def test_workflow_review_activity_and_clarification(self):
        form = self._create_a1()
        self._sign_a1(form)
        order = form.production_order_ids
        with self.assertRaises(UserError):
            order.with_user(self.user_production).action_accept()
        order.write({"title": False})
        with self.assertRaises(UserError):
            order.action_submit()
        order.write({"title": "Πήγασος ERP 6", "requested_change": "Αναβάθμιση της βάσης"})
        order.action_submit()
        self.assertEqual(order.state, "submitted")
        activity = order.activity_ids
        self.assertEqual(activity.user_id, self.user_production, "the configured department reviews it")
        order.with_user(self.user_production).action_request_clarification()
        self.assertEqual(order.state, "clarification")
        self.assertTrue(
            order.message_ids.filtered(lambda m: m.message_type == "comment" and not m.subtype_id.internal),
            "the question is visible to the customer in the portal chatter",
        )
        order.action_submit()
        with self.assertRaisesRegex(UserError, "agreed amount"):
            order.with_user(self.user_production).action_accept()
        order.with_user(self.user_production).agreed_amount = 950.0
        order.with_user(self.user_production).action_accept()
        self.assertEqual(order.state, "accepted")
        self.assertFalse(order.activity_ids, "the review activity is done")
        order.with_user(self.user_production).action_cancel()
        self.assertEqual(order.state, "cancelled")

    def test_cancelled_order_cancels_the_customers_acceptance(self):
        """An order cancelled after its customer accepted the agreed amount takes the
        acceptance with it (cancelled, with the reason, kept): back to draft, the amount is
        agreed and accepted again before it is invoiced."""
        form = self._create_a1()
        self._sign_a1(form)
        order = form.production_order_ids[:1]
        acceptance = self._agree_order(order, amount=950.0)
        self.assertTrue(order.amount_accepted)
        order.with_user(self.user_production).action_cancel()
        self.assertEqual(acceptance.state, "cancelled")
        self.assertIn(self.user_production.name, acceptance.cancel_reason)
        order.with_user(self.user_production).action_reset_to_draft()
        self.assertFalse(order.amount_accepted)
        self.assertTrue(acceptance.exists(), "the evidence is kept")

    def test_access_customers_and_firms(self):
        form = self._create_a1()
        self._sign_a1(form)
        other_form = self._create_a1(request=self.other_request)
        self._sign_a1(other_form)
        order, other_order = form.production_order_ids, other_form.production_order_ids
        Order = self.env["support.production.order"]
        self.assertEqual(Order.with_user(self.user_customer).search([]), order)
        self.assertEqual(Order.with_user(self.user_other_customer).search([]), other_order)
        with self.assertRaises(AccessError):
            other_order.with_user(self.user_customer).read(["title"])
        with self.assertRaises(AccessError):
            order.with_user(self.user_customer).write({"title": "x"})
        self.assertEqual(Order.with_user(self.user_firm_manager).search([]), order | other_order)
        self.assertFalse(Order.with_user(self.user_technician).search([]), "technicians do not see the orders")
