"""19.0.1.5.0: the reasons of certification are stored as codes, rendered when read.

The reasons were stored as text, translated into each installed language. They are now
codes with their values (``support_certification_reason_codes``), which the databases of
an older version do not hold yet: every technician (and every partner still certified) is
marked for the engine, and the triggered cron fills the codes. The old text column goes.

The nightly certification cron is a ``noupdate`` record that the update leaves as it was:
it called ``res.partner._cron_update_support_certification()``, which is gone; it now runs
the engine's ``_cron_run_lapses()``.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("certified_support.ir_cron_support_certification", raise_if_not_found=False)
    if cron:
        cron.write(
            {
                "model_id": env["ir.model"]._get_id("support.certification.engine"),
                "code": "model._cron_run_lapses()",
                "name": "Certified Support: check the certification of partner technicians (lapses with time)",
            }
        )
    cr.execute("ALTER TABLE res_partner DROP COLUMN IF EXISTS support_certification_reasons")
    cr.execute("""
        UPDATE res_partner
           SET support_certification_dirty = TRUE
         WHERE is_support_technician IS TRUE
            OR support_certified IS TRUE
    """)
    if cr.rowcount:
        env.ref("certified_support.ir_cron_support_certification_dirty")._trigger()
