import importlib.util

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import SupportCommon
from .production_common import ProductionOrderMixin


def _load_migration(version):
    path = file_path(f"certified_support/migrations/{version}/post-migrate.py")
    spec = importlib.util.spec_from_file_location(f"certified_support_migration_{version}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration19014(ProductionOrderMixin, SupportCommon):
    """Upgrading to 19.0.1.4.0: orders accepted before the agreed amount existed can be
    accepted by their customer and invoiced; forms filed before their date was recorded
    are reminded to sign."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        cls.migration = _load_migration("19.0.1.4.0")

    def _as_before_the_upgrade(self, records, **columns):
        """The columns as a database of 19.0.1.3.0 holds them (NULL: the field did not exist)."""
        records.flush_recordset()
        assignments = ", ".join(f"{name} = NULL" for name in columns)
        self.env.cr.execute(f"UPDATE {records._table} SET {assignments} WHERE id IN %s", [tuple(records.ids)])  # noqa: S608
        records.invalidate_recordset()

    def test_accepted_order_gets_its_amount_as_agreed(self):
        form = self._create_signed_a1()
        order = form.production_order_ids
        order.action_submit()
        order.agreed_amount = 800.0
        order.action_accept()
        draft = self._create_signed_a1(request=self.other_request).production_order_ids
        self._as_before_the_upgrade(order | draft, agreed_amount=None)
        self.migration.migrate(self.env.cr, "19.0.1.3.0")
        (order | draft).invalidate_recordset()
        self.assertEqual(order.agreed_amount, 800.0, "the amount it was accepted at (the estimate)")
        self.assertFalse(draft.agreed_amount, "the department has not agreed anything on a draft")
        self.assertFalse(order.amount_accepted, "the customer accepts it in the portal")

    def test_filed_form_counts_from_its_last_change(self):
        form = self._create_a1()
        self._as_before_the_upgrade(form, filed_on=None)
        self.migration.migrate(self.env.cr, "19.0.1.3.0")
        form.invalidate_recordset()
        self.assertEqual(form.filed_on, form.write_date.replace(microsecond=0))

    def test_new_install_does_nothing(self):
        form = self._create_a1()
        self._as_before_the_upgrade(form, filed_on=None)
        self.migration.migrate(self.env.cr, None)
        form.invalidate_recordset()
        self.assertFalse(form.filed_on)


@tagged("post_install", "-at_install")
class TestMigration19015(SupportCommon):
    """Upgrading to 19.0.1.5.0: the reasons of certification, stored as translated text
    before, are computed again as codes by the triggered cron; the old column goes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = _load_migration("19.0.1.5.0")
        cls.cron = cls.env.ref("certified_support.ir_cron_support_certification_dirty")

    def _as_before_the_upgrade(self):
        """The technician as a database of 19.0.1.4.0 holds it: translated text, no codes."""
        self.env.flush_all()
        self.env.cr.execute("ALTER TABLE res_partner ADD COLUMN support_certification_reasons jsonb")
        self.env.cr.execute(
            "UPDATE res_partner SET support_certification_reasons = %s,"
            " support_certification_reason_codes = NULL WHERE id = %s",
            ['{"en_US": "no active cooperation contract"}', self.technician.id],
        )
        self.env.invalidate_all()

    def _columns(self):
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'res_partner' AND column_name LIKE 'support_certification_reason%%'"
        )
        return {name for (name,) in self.env.cr.fetchall()}

    def test_reasons_computed_again_as_codes(self):
        self.assertTrue(self.technician.support_certification_reason_codes)
        self._as_before_the_upgrade()
        self.assertFalse(self.technician.support_certification_reasons)
        triggers = self._cron_triggers(self.cron)
        self.migration.migrate(self.env.cr, "19.0.1.4.0")
        self.assertEqual(self._columns(), {"support_certification_reason_codes"}, "the old text column goes")
        self.env.invalidate_all()
        self.assertTrue(self.technician.support_certification_dirty)
        self._run_triggered_cron(self.cron, triggers)
        self.assertIn("not approved by the vendor", self.technician.support_certification_reasons)
        self.assertFalse(self.technician.support_certification_dirty)

    def test_nightly_cron_runs_the_engine(self):
        """The nightly cron is kept by the update (noupdate): the migration points it at the
        engine; run afterwards, it works."""
        nightly = self.env.ref("certified_support.ir_cron_support_certification")
        nightly.write(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "code": "model._cron_update_support_certification()",
            }
        )
        self.migration.migrate(self.env.cr, "19.0.1.4.0")
        self.assertEqual(nightly.model_id.model, "support.certification.engine")
        self.assertEqual(nightly.code, "model._cron_run_lapses()")
        self._run_cron(nightly)  # fails on an error of the job

    def test_new_install_does_nothing(self):
        self._as_before_the_upgrade()
        self.migration.migrate(self.env.cr, None)
        self.assertIn("support_certification_reasons", self._columns())
        self.env.invalidate_all()
        self.assertFalse(self.technician.support_certification_dirty)
