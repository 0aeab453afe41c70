"""The certification engine: its pure rules, the reasons in the reader's language, and
the one trigger (an input changes → the partner is marked dirty → the engine runs)."""

from datetime import date, datetime, timedelta

from odoo.tests import tagged

from .common import SupportCommon

RULES = {
    "min_installations": 5,
    "academy_months": 12,
    "min_satisfaction": 50.0,
    "satisfaction_months": 12,
    "unrated_satisfied": True,
}
# Collected inputs of a technician who meets every condition.
GOOD = {
    "eligible": True,
    "firm_kind": "it_firm",
    "installations": 5,
    "contract": True,
    "academy": True,
    "academy_from": date(2025, 3, 1),
    "academy_last": datetime(2026, 1, 10, 16, 0),
    "ratings": 4,
    "top": 2,
    "proposal_state": "approved",
}


@tagged("post_install", "-at_install")
class TestCertificationEvaluate(SupportCommon):
    """``_evaluate``: the rules on plain values, one condition at a time."""

    def _evaluate(self, rules=None, skip_approval=False, **changes):
        engine = self.env["support.certification.engine"]
        return engine._evaluate(dict(GOOD, **changes), dict(RULES, **(rules or {})), skip_approval)

    def test_every_condition_holds(self):
        self.assertEqual(self._evaluate(), [])

    def test_not_an_active_technician_of_a_firm(self):
        self.assertEqual(self._evaluate(eligible=False, installations=0), [("no_firm", {})], "nothing else counts")

    def test_installations(self):
        self.assertEqual(self._evaluate(installations=4), [("installations", {"count": 4, "minimum": 5})])
        self.assertEqual(self._evaluate(installations=4, rules={"min_installations": 4}), [])

    def test_academy(self):
        self.assertEqual(self._evaluate(academy=False), [("academy", {"date": "2025-03-01"})])

    def test_satisfaction(self):
        self.assertEqual(self._evaluate(ratings=1000, top=500), [], "50% is enough")
        self.assertEqual(self._evaluate(ratings=1000, top=499), [("satisfaction", {"rate": 49.9, "minimum": 50.0})])

    def test_without_ratings(self):
        self.assertEqual(self._evaluate(ratings=0, top=0), [])
        self.assertEqual(
            self._evaluate(ratings=0, top=0, rules={"unrated_satisfied": False}), [("no_ratings", {"months": 12})]
        )

    def test_cooperation_contract_for_it_firms_only(self):
        self.assertEqual(self._evaluate(contract=False), [("contract", {})])
        self.assertEqual(self._evaluate(contract=False, firm_kind="accounting"), [])

    def test_approval(self):
        self.assertEqual(self._evaluate(proposal_state="proposed"), [("approval", {"state": "proposed"})])
        self.assertEqual(self._evaluate(proposal_state="proposed", skip_approval=True), [])

    def test_every_failing_condition_is_listed(self):
        reasons = self._evaluate(installations=0, academy=False, contract=False, proposal_state="none")
        self.assertEqual([code for code, _values in reasons], ["installations", "academy", "contract", "approval"])


@tagged("post_install", "-at_install")
class TestCertificationExplain(SupportCommon):
    """The reasons are stored once, as codes, and read in the reader's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("el_GR")
        cls.env["ir.module.module"]._load_module_terms(["certified_support"], ["el_GR"], overwrite=True)

    def test_same_codes_in_english_and_greek(self):
        self.technician.sudo().write({"support_proposal_state": "rejected"})
        self.technician._support_update_certification()
        self.assertFalse(self.technician.support_certified)
        codes = self.technician.support_certification_reason_codes
        self.assertEqual(
            [code for code, _values in codes], ["installations", "academy", "contract", "approval"], "stored as codes"
        )
        self.assertEqual(codes[0][1], {"count": 0, "minimum": 5})
        self.assertEqual(codes[3][1], {"state": "rejected"})

        english = self.technician.with_context(lang="en_US").support_certification_reasons.splitlines()
        greek = self.technician.with_context(lang="el_GR").support_certification_reasons.splitlines()
        self.assertEqual(english[0], "0 of 5 active installations")
        self.assertEqual(greek[0], "0 από 5 ενεργές εγκαταστάσεις")
        self.assertEqual(english[2], "no active cooperation contract")
        self.assertEqual(greek[2], "καμία ενεργή σύμβαση συνεργασίας")
        self.assertEqual(english[3], "not approved by the vendor (proposal: rejected)")
        self.assertEqual(greek[3], "δεν έχει εγκριθεί από τον κατασκευαστή (πρόταση: απορρίφθηκε)")
        academy_from = date.fromisoformat(codes[1][1]["date"])
        self.assertEqual(
            english[1], f"no academy session attended since {academy_from.strftime('%m/%d/%Y')}", "US date format"
        )
        self.assertTrue(greek[1].startswith("καμία συμμετοχή σε σεμινάριο της Ακαδημίας από "))
        greek_format = self.env["res.lang"]._get_data(code="el_GR").date_format
        self.assertTrue(greek[1].endswith(academy_from.strftime(greek_format)), "the reader's date format")

    def test_explain_numbers_in_the_readers_format(self):
        engine = self.env["support.certification.engine"]
        reasons = [["satisfaction", {"rate": 49.9, "minimum": 50.0}], ["no_ratings", {"months": 6}]]
        self.assertEqual(
            engine._explain(reasons, "en_US"),
            ["satisfaction 49.9% < 50.0%", "no customer rating in the last 6 months"],
        )
        self.assertEqual(
            engine._explain(reasons, "el_GR"),
            ["ικανοποίηση 49,9% < 50,0%", "καμία αξιολόγηση πελάτη τους τελευταίους 6 μήνες"],
        )


@tagged("post_install", "-at_install")
class TestCertificationTrigger(SupportCommon):
    """A change of each input marks the technicians concerned dirty; the engine evaluates
    them (at once for a few, through the triggered cron for many)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_certified_technician()
        cls.session = cls.env["event.registration"].search([("partner_id", "=", cls.technician.id)]).event_id
        cls.cron = cls.env.ref("certified_support.ir_cron_support_certification_dirty")

    def _assert_marked_then_evaluated(self, change, certified):
        """``change`` marks the technician dirty and, through the triggered cron, leaves
        the status ``certified``."""
        engine = self.env["support.certification.engine"]
        self.assertFalse(self.technician.support_certification_dirty)
        triggers = self._cron_triggers(self.cron)
        # A limit of 0: every change goes through the flag and the triggered cron.
        self.patch(type(engine), "_mark_dirty", _without_sync(type(engine)._mark_dirty))
        change()
        self.assertTrue(self.technician.support_certification_dirty, "marked dirty")
        self._run_triggered_cron(self.cron, triggers)
        self.assertFalse(self.technician.support_certification_dirty)
        self.assertEqual(self.technician.support_certified, certified)

    def test_installation_archived(self):
        self._assert_marked_then_evaluated(lambda: self.installations[0].action_archive(), False)

    def test_installation_moved_to_another_firm(self):
        other = self.env["res.partner"].create({"name": "Άλλη Εταιρεία", "is_company": True})
        self._assert_marked_then_evaluated(lambda: self.installations[0].write({"firm_id": other.id}), False)

    def test_cooperation_contract_terminated(self):
        self._assert_marked_then_evaluated(lambda: self.cooperation.action_terminate(), False)

    def test_academy_registration_cancelled(self):
        registration = self.env["event.registration"].search([("partner_id", "=", self.technician.id)])
        self._assert_marked_then_evaluated(registration.action_cancel, False)

    def test_academy_session_no_longer_academy(self):
        self._assert_marked_then_evaluated(lambda: self.session.write({"is_support_academy": False}), False)

    def test_rating_received(self):
        fault = self._create_fault("F07", "Backup does not run")
        request = self.env["support.request"].create(
            {"partner_id": self.customer.id, "contact_id": self.customer_contact.id, "fault_id": fault.id}
        )
        self._assert_marked_then_evaluated(
            lambda: self.env["rating.rating"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("support.request"),
                    "res_id": request.id,
                    "partner_id": self.customer_contact.id,
                    "rated_partner_id": self.technician.id,
                    "rating": 1,
                    "consumed": True,
                }
            ),
            False,
        )

    def test_firm_kind_changed(self):
        # An accounting office needs no cooperation contract: terminated, it still counts.
        self.cooperation.action_terminate()
        self.assertFalse(self.technician.support_certified)
        self._assert_marked_then_evaluated(lambda: self.firm.write({"support_firm_kind": "accounting"}), True)

    def test_no_longer_a_technician(self):
        self._assert_marked_then_evaluated(lambda: self.technician.write({"is_support_technician": False}), False)
        self.assertEqual(self.technician.support_certification_reason_codes, [["no_firm", {}]])

    def test_rules_changed(self):
        self._assert_marked_then_evaluated(lambda: self.company.write({"support_cert_min_installations": 6}), False)

    def test_few_partners_are_evaluated_at_once(self):
        self.installations[0].action_archive()
        self.assertFalse(self.technician.support_certification_dirty)
        self.assertFalse(self.technician.support_certified, "evaluated with the change")

    def test_many_partners_go_to_the_cron(self):
        # More technicians than the engine evaluates at once: the cron does it.
        Partner = self.env["res.partner"]
        others = Partner.create(
            [{"name": f"Τεχνικός {n}", "parent_id": self.firm.id, "is_support_technician": True} for n in range(60)]
        )
        triggers = self._cron_triggers(self.cron)
        self.installations[0].action_archive()
        self.assertEqual((self.technician | others).mapped("support_certification_dirty"), [True] * 61)
        self.assertTrue(self.technician.support_certified, "stale until the cron runs")
        self._run_triggered_cron(self.cron, triggers)
        self.assertFalse(self.technician.support_certified)
        self.assertFalse(any((self.technician | others).mapped("support_certification_dirty")))

    def test_nightly_run_checks_only_what_time_can_change(self):
        lapses = self.env.ref("certified_support.ir_cron_support_certification")
        self.assertEqual(lapses.code, "model._cron_run_lapses()")
        yesterday = datetime.now().date() - timedelta(days=1)
        self.technician.sudo().write({"support_certification_checked_on": yesterday})
        self._run_cron(lapses)
        self.assertGreater(self.technician.support_certification_checked_on, yesterday)
        self.assertTrue(self.technician.support_certified)


def _without_sync(mark_dirty):
    def patched(self, partners, sync_limit=0):
        return mark_dirty(self, partners, sync_limit=0)

    return patched
