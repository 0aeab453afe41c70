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

    def test_deleting_a_technician_or_a_firm(self):
        """A partner is an input of the certification too: deleting a technician, or its
        firm, tells the engine (the contact merge deletes the merged contacts), which never
        evaluates the deleted records."""
        Partner = self.env["res.partner"]
        firm = Partner.create({"name": "Πληροφορική Κρήτης Ο.Ε.", "is_company": True, "support_firm_kind": "it_firm"})
        technician, colleague = Partner.create(
            [
                {"name": "Μαρία Σταυράκη", "parent_id": firm.id, "is_support_technician": True},
                {"name": "Γιάννης Μαρκάκης", "parent_id": firm.id, "is_support_technician": True},
            ]
        )
        Engine = type(self.env["support.certification.engine"])
        marked, evaluated = [], []
        mark_dirty, run = Engine._mark_dirty, Engine._run

        def spy_mark_dirty(engine, partners, *args, **kwargs):
            marked.append(set(partners.ids))
            return mark_dirty(engine, partners, *args, **kwargs)

        def spy_run(engine, partners):
            evaluated.append(set(partners.ids))
            return run(engine, partners)

        self.patch(Engine, "_mark_dirty", spy_mark_dirty)
        self.patch(Engine, "_run", spy_run)
        deleted = technician.id
        technician.unlink()
        self.assertIn({deleted}, marked, "the engine is told")
        (colleague | firm).unlink()
        self.assertIn({colleague.id, firm.id}, [ids & {colleague.id, firm.id} for ids in marked])
        self.assertFalse(set().union(*evaluated) & {deleted, colleague.id, firm.id}, "no deleted record evaluated")
