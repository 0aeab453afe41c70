"""The inputs of the certification, declared by the models the engine reads."""

from odoo.tests import TransactionCase, tagged

# The models whose records the engine reads, and the fields it reads on them
# (support.certification.engine._collect).
ENGINE_INPUTS = {
    "res.partner": {"is_support_technician", "parent_id", "active", "company_id", "support_firm_kind"},
    "support.installation": {"firm_id", "active"},
    "support.cooperation.contract": {"state", "firm_id", "date_start", "date_end"},
    "event.registration": {"state", "partner_id", "event_id", "event_slot_id", "active"},
    "rating.rating": {"rating", "consumed", "rated_partner_id", "res_id", "res_model_id", "rated_on"},
}


@tagged("post_install", "-at_install")
class TestCertificationInput(TransactionCase):
    def test_the_engine_inputs_are_declared_fields(self):
        """Every model the engine reads is an input whose changes mark the partners
        concerned, and declares exactly the fields the engine reads: a field missing from
        the declaration would leave a certification stale after a change."""
        inputs = {
            name: set(model._support_certification_inputs)
            for name, model in self.env.registry.items()
            if not model._abstract and "support.certification.input" in model._inherit
        }
        self.assertEqual(inputs, ENGINE_INPUTS)
        for name, fnames in inputs.items():
            with self.subTest(model=name):
                self.assertLessEqual(fnames, set(self.env[name]._fields))
