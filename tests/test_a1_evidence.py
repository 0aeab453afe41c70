"""The signed A1 Form stays what was signed (issue 13, section 2).

The scan records which recommendations the customer ticked on paper, and each accepted
kind has its follow-up, as for an online signature.
"""

import base64

from odoo import Command
from odoo.tests import tagged

from .common import SupportCommon
from .production_common import ProductionOrderMixin

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

RECOMMENDATIONS = [
    {"name": "Αναβάθμιση σε Πήγασος ERP 6", "kind": "software", "estimated_cost": 800.0},
    {"name": "Νέος διακομιστής", "kind": "hardware", "estimated_cost": 1500.0},
    {"name": "Εκπαίδευση προσωπικού", "kind": "other", "estimated_cost": 200.0},
    {"name": "Επέκταση φιλοξενίας κατά 50 GB", "kind": "hosting", "estimated_cost": 120.0},
]



@tagged("post_install", "-at_install")
class TestA1ScanRecommendations(ProductionOrderMixin, SupportCommon):
    """The scanned page records the recommendations ticked on paper; each accepted kind is followed up."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls.env["mail.mail"].search([]).unlink()

    def _form(self, request=None):
        return self._create_a1(request=request, recommendation_ids=[Command.create(rec) for rec in RECOMMENDATIONS])

    def _scan(self, form, accepted, user=None):
        wizard = self.env["support.a1.scan"].with_user(user or self.user_support).create({
            "a1_form_id": form.id, "scan": base64.b64encode(b"%PDF-1.4 scanned page"), "scan_filename": "a1.pdf",
            "signed_by": "Γιώργος Παπαδόπουλος", "accepted_recommendation_ids": [Command.set(accepted.ids)],
        })
        self.assertTrue(wizard.has_recommendations)
        return wizard.action_confirm()

    def _notices(self, form):
        mails = self.env["mail.mail"].search([("model", "=", "support.a1.form"), ("res_id", "=", form.id)])
        return mails.filtered(lambda m: "Νέος διακομιστής" in (m.body_html or ""))

    def _followups(self, form):
        return form.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("certified_support.mail_activity_a1_recommendation"))

    def test_scan_records_the_ticked_recommendations_and_what_follows(self):
        form = self._form()
        software, hardware, other, hosting = form.recommendation_ids
        self._scan(form, software | hardware | other)
        self.assertEqual(form.state, "signed")
        self.assertEqual(form.recommendation_ids.mapped("accepted"), ["yes", "yes", "yes", "no"])
        self.assertEqual(form.production_order_ids.recommendation_id, software, "a ΠΠΥ, as for an online signature")
        notice = self._notices(form)
        self.assertEqual(len(notice), 1, "the hardware notice, as for an online signature")
        self.assertEqual(notice.recipient_ids, self.firm_manager)
        followup = self._followups(form)
        self.assertEqual(len(followup), 1, "an accepted recommendation of kind Other: the account manager's to-do")
        self.assertEqual(followup.user_id, self.request.user_id)
        self.assertEqual(followup.user_id, self.user_support)
        self.assertIn("Εκπαίδευση προσωπικού", followup.note)
        self.assertNotIn("Νέος διακομιστής", followup.note, "the firm follows the hardware up")

    def test_scan_ignores_recommendations_of_another_form(self):
        form, other = self._form(), self._form(request=self.other_request)
        self._scan(form, other.recommendation_ids)
        self.assertEqual(set(form.recommendation_ids.mapped("accepted")), {"no"})
        self.assertEqual(set(other.recommendation_ids.mapped("accepted")), {"pending"})
        self.assertFalse(form.production_order_ids | other.production_order_ids)
        self.assertFalse(self._followups(form))

    def test_online_signature_follows_up_the_same_way(self):
        form = self._form()
        software, hardware, other, hosting = form.recommendation_ids
        form._sign("Γιώργος Παπαδόπουλος", "portal", signature=PNG, accepted_recommendations=other | hosting)
        self.assertEqual(form.production_order_ids.recommendation_id, hosting)
        self.assertFalse(self._notices(form))
        self.assertEqual(len(self._followups(form)), 1)

    def test_hardware_without_a_firm_manager_is_followed_up_by_the_account_manager(self):
        self.user_firm_manager.active = False
        form = self._form()
        software, hardware, other, hosting = form.recommendation_ids
        self._scan(form, hardware)
        self.assertFalse(self._notices(form), "no manager to tell")
        followup = self._followups(form)
        self.assertEqual(len(followup), 1)
        self.assertIn("Νέος διακομιστής", followup.note)

    def test_no_follow_up_without_an_accepted_recommendation(self):
        form = self._form()
        self._scan(form, form.recommendation_ids.browse())
        self.assertFalse(form.production_order_ids)
        self.assertFalse(self._notices(form))
        self.assertFalse(self._followups(form))
