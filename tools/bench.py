"""Benchmark of certified_support: data generation and measurements.

Run by tools/bench with the tooling's virtualenv python; not part of the test run.

    bench.py gen     --conf C --db D --scale S        build the data set (set-based SQL)
    bench.py orm     --conf C --db D --out J          in-process measurements (phone wizard,
                                                      invoicing, XLSX, certification, cron)
    bench.py http    --conf C --db D --out J --port P measurements through a running server
    bench.py report  --out J                          print the table (with OK/MISS)
"""

import argparse
import json
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta

import odoo.init  # noqa: F401  (Odoo 19: namespace package)
from odoo import Command, api
from odoo.api import SUPERUSER_ID
from odoo.modules.registry import Registry
from odoo.tools import config

CUSTOMER_LOGIN = "cs_customer"  # the customer with 2,000 requests (password = login)
N_FIRMS, N_TECHNICIANS, N_ACCOUNT_MANAGERS = 40, 200, 10
CRON_TIME_BUDGET = float(os.environ.get("CS_BENCH_CRON_BUDGET", "120"))  # seconds per cron run
WARM_UP_INVOICES = 100  # invoiced and committed before the invoicing is measured


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save(path, data):
    old = load(path)
    old.update(data)
    with open(path + ".new", "w") as f:
        json.dump(old, f, indent=2, default=str)
    os.replace(path + ".new", path)


def pct(values, p):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return round(values[lo] + (values[hi] - values[lo]) * (k - lo), 1)


def open_registry(args):
    config.parse_config(["-c", args.conf, "-d", args.db, "--log-level=warn"])
    return Registry(args.db)


# ----------------------------------------------------------------------------------------
# Data generation
# ----------------------------------------------------------------------------------------


def gen(args):
    registry = open_registry(args)
    scale = args.scale
    n_customers = max(50, int(5000 * scale))
    n_requests = max(2500, int(100000 * scale))
    t0 = time.time()
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            SUPERUSER_ID,
            {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True, "no_reset_password": True},
        )
        from odoo.addons.certified_support.tests.common import SupportDataMixin
        from odoo.addons.certified_support.tests.production_common import ProductionOrderMixin

        class Setup(ProductionOrderMixin, SupportDataMixin):
            pass

        Setup.env = env
        # the vendor's staff, the customer with its portal user, a firm, products (ORM, small)
        Setup._setup_support_data()
        S = Setup
        company = env.company
        S._create_contract(S.customer, start="2020-01-01", end="2099-12-31", state="active")
        env["support.fault"].create(
            [
                {
                    "code": f"BF{i}",
                    "name": f"Bench fault {i}",
                    "location": "both",
                    "company_id": company.id,
                    "line_ids": [Command.create({"product_id": S.product_remote.id, "quantity": 1.0 + i % 3})],
                }
                for i in range(5)
            ]
        )
        # 40 firms, 200 technicians with portal users in the technician group
        Partner = env["res.partner"]
        firms = Partner.create(
            [
                {"name": f"Bench firm {i:02d}", "is_company": True, "support_firm_kind": "it_firm"}
                for i in range(N_FIRMS)
            ]
        )
        techs = Partner.create(
            [
                {"name": f"Bench technician {i:03d}", "parent_id": firms[i % N_FIRMS].id, "is_support_technician": True}
                for i in range(N_TECHNICIANS)
            ]
        )
        tech_group = env.ref("certified_support.group_support_technician")
        env["res.users"].create(
            [
                {"login": f"bench_tech_{i:03d}", "partner_id": t.id, "group_ids": [Command.set(tech_group.ids)]}
                for i, t in enumerate(techs)
            ]
        )
        # firm 0 is a company of this database (its accountant invoices its A1 Forms here)
        S._ensure_chart(company)
        firm_company = env["res.company"].create(
            {"name": firms[0].name, "partner_id": firms[0].id, "currency_id": company.currency_id.id}
        )
        S._ensure_chart(firm_company)
        firm_tax = env["account.tax"].create(
            {
                "name": "VAT 24% (firm)",
                "amount": 24.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": firm_company.id,
            }
        )
        S.product_remote.taxes_id = S.tax_24 | firm_tax
        from odoo.tests import new_test_user

        new_test_user(
            env,
            "cs_firm_accountant",
            groups="certified_support.group_support_accountant",
            company_id=firm_company.id,
            company_ids=[firm_company.id],
        )
        # the account managers: the customers' requests are spread over them
        account_managers = S.user_support | env["res.users"].concat(
            *(
                new_test_user(env, f"bench_am_{i:02d}", groups="certified_support.group_support_user")
                for i in range(1, N_ACCOUNT_MANAGERS)
            )
        )
        env.flush_all()
        t_orm = time.time() - t0

        # ---- set-based bulk ------------------------------------------------------------
        # certified technicians: the stored certification fields, directly
        cr.execute("""UPDATE res_partner SET support_certified = true, support_proposal_state = 'approved',
                             support_certified_since = current_date - 200, support_certification_checked_on = current_date
                       WHERE is_support_technician""")
        cr.execute(
            """INSERT INTO res_partner (name, complete_name, is_company, active, type, user_id, lang,
                                               autopost_bills, create_date, write_date, create_uid, write_uid)
                      SELECT 'Bench customer ' || g, 'Bench customer ' || g, true, true, 'contact', %s, 'en_US',
                             'ask', now(), now(), 1, 1
                        FROM generate_series(1, %s) g""",
            (S.user_support.id, n_customers - 1),
        )
        cr.execute(
            "UPDATE res_partner SET commercial_partner_id = id WHERE name LIKE 'Bench customer %%' AND commercial_partner_id IS NULL"
        )
        cr.execute(
            "CREATE TEMP TABLE b_cust AS SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id FROM res_partner WHERE name LIKE 'Bench customer %%'"
        )
        cr.execute(
            "CREATE TEMP TABLE b_tech AS SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id, commercial_partner_id AS firm_id FROM res_partner WHERE is_support_technician AND name LIKE 'Bench technician %%'"
        )
        cr.execute(
            "CREATE TEMP TABLE b_fault AS SELECT row_number() OVER (ORDER BY id) - 1 AS idx, id, amount_untaxed, amount_total FROM support_fault WHERE code LIKE 'BF%%'"
        )
        # requests: the first 2,000 (scaled) belong to the portal customer; a realistic state mix
        n_own = min(2000, n_requests // 2)
        cr.execute(
            """
            CREATE TEMP TABLE b_req AS
            SELECT g,
                   CASE WHEN g <= %(own)s THEN %(own_partner)s ELSE (SELECT id FROM b_cust WHERE idx = g %% %(nc)s) END AS partner_id,
                   CASE WHEN g <= %(own)s THEN %(own_contact)s END AS contact_id,
                   CASE WHEN g %% 100 < 4 THEN 'new' WHEN g %% 100 < 8 THEN 'waiting_contract'
                        WHEN g %% 100 < 16 THEN 'to_schedule' WHEN g %% 100 < 24 THEN 'scheduled'
                        WHEN g %% 100 < 30 THEN 'in_progress' WHEN g %% 100 < 36 THEN 'done'
                        WHEN g %% 100 < 86 THEN 'closed' WHEN g %% 100 < 90 THEN 'to_close_by_phone'
                        WHEN g %% 100 < 96 THEN 'cancelled' ELSE 'refused' END AS state,
                   now() - make_interval(days => (g * 7919) %% 720, mins => g %% 600) AS created
              FROM generate_series(1, %(n)s) g""",
            {
                "own": n_own,
                "own_partner": S.customer.id,
                "own_contact": S.customer_contact.id,
                "nc": n_customers - 1,
                "n": n_requests,
            },
        )
        cr.execute(
            """
            INSERT INTO support_request (name, company_id, partner_id, contact_id, fault_id, user_id, technician_id, firm_id,
                                         channel, location, state, description, access_token, amount_accepted,
                                         support_close_attempts, create_date, write_date, create_uid, write_uid)
            SELECT 'BRV' || lpad(r.g::text, 7, '0'), %(company)s, r.partner_id, r.contact_id, f.id,
                   CASE WHEN r.g <= %(own)s THEN %(am)s ELSE (%(ams)s::int[])[1 + r.g %% %(nam)s] END,
                   CASE WHEN r.state NOT IN ('new', 'waiting_contract', 'to_schedule', 'refused') THEN t.id END,
                   CASE WHEN r.state NOT IN ('new', 'waiting_contract', 'to_schedule', 'refused') THEN t.firm_id END,
                   CASE WHEN r.g %% 3 = 0 THEN 'phone' ELSE 'portal' END, 'remote', r.state,
                   'The ERP does not start after the update (bench ' || r.g || ').', gen_random_uuid()::text,
                   f.amount_total, 0, r.created, r.created, 1, 1
              FROM b_req r JOIN b_fault f ON f.idx = r.g %% 5 JOIN b_tech t ON t.idx = r.g %% %(nt)s
             ORDER BY r.g""",
            {
                "company": company.id,
                "am": S.user_support.id,
                "ams": account_managers.ids,
                "nam": len(account_managers),
                "own": n_own,
                "nt": N_TECHNICIANS,
            },
        )
        cr.execute(
            """
            INSERT INTO support_acceptance (request_id, company_id, partner_id, accepted_by_id, user_id, fault_id, currency_id,
                                            name, kind, channel, state, description, amount_untaxed, amount_tax, amount_total,
                                            accepted_on, create_date, write_date, create_uid, write_uid)
            SELECT r.id, r.company_id, r.partner_id, coalesce(r.contact_id, r.partner_id), %(uid)s, r.fault_id, %(cur)s,
                   r.name || ' – RV request', 'request', r.channel,
                   CASE WHEN r.state = 'cancelled' THEN 'cancelled' ELSE 'valid' END, 'Bench fault',
                   f.amount_untaxed, f.amount_total - f.amount_untaxed, f.amount_total,
                   r.create_date, r.create_date, r.create_date, 1, 1
              FROM support_request r JOIN support_fault f ON f.id = r.fault_id WHERE r.name LIKE 'BRV%%'""",
            {"uid": S.user_support.id, "cur": company.currency_id.id},
        )
        cr.execute(
            """
            INSERT INTO support_acceptance_line (acceptance_id, sequence, product_id, name, quantity, price_unit,
                                                 price_subtotal, price_total, create_date, write_date, create_uid, write_uid)
            SELECT a.id, 0, %(product)s, 'Remote support hour', 1, a.amount_untaxed, a.amount_untaxed, a.amount_total,
                   a.create_date, a.create_date, 1, 1
              FROM support_acceptance a JOIN support_request r ON r.id = a.request_id WHERE r.name LIKE 'BRV%%'""",
            {"product": S.product_remote.id},
        )
        # A1 Forms: filed for requests in progress, signed for done / closed / to close by phone
        cr.execute(
            """
            INSERT INTO support_a1_form (request_id, company_id, partner_id, technician_id, firm_id, firm_company_id,
                                         access_token, name, state, signed_by, signed_how, signed_on, invoice_status,
                                         amount_untaxed, amount_tax, amount_total, date_start, date_end, duration,
                                         create_date, write_date, create_uid, write_uid)
            SELECT r.id, r.company_id, r.partner_id, r.technician_id, r.firm_id,
                   CASE WHEN r.firm_id = %(firm0)s THEN %(firm_company)s END,
                   gen_random_uuid()::text, 'BA1' || substr(r.name, 4), CASE WHEN r.state = 'in_progress' THEN 'filed' ELSE 'signed' END,
                   CASE WHEN r.state <> 'in_progress' THEN 'Bench signer' END,
                   CASE WHEN r.state <> 'in_progress' THEN 'portal' END,
                   CASE WHEN r.state = 'done' THEN now() - interval '2 hours'
                        WHEN r.state <> 'in_progress' THEN r.create_date + interval '5 days' END,
                   CASE WHEN r.state = 'in_progress' THEN 'no' WHEN r.firm_id = %(firm0)s THEN 'to_invoice' ELSE 'invoiced' END,
                   f.amount_untaxed, f.amount_total - f.amount_untaxed, f.amount_total,
                   r.create_date + interval '4 days', r.create_date + interval '4 days 1 hour', 1.0,
                   r.create_date + interval '4 days', r.create_date + interval '4 days', 1, 1
              FROM support_request r JOIN support_fault f ON f.id = r.fault_id
             WHERE r.name LIKE 'BRV%%' AND r.state IN ('in_progress', 'done', 'closed', 'to_close_by_phone')""",
            {"firm0": firms[0].id, "firm_company": firm_company.id},
        )
        cr.execute(
            """UPDATE support_a1_form SET external_invoice_ref = 'EXT-' || id WHERE invoice_status = 'invoiced'"""
        )
        cr.execute(
            """
            INSERT INTO support_a1_form_line (a1_form_id, company_id, product_id, name, sequence, quantity, price_unit,
                                              price_subtotal, price_tax, price_total, create_date, write_date, create_uid, write_uid)
            SELECT a.id, a.company_id, %(product)s, 'Remote support hour', 10, 1, a.amount_untaxed,
                   a.amount_untaxed, a.amount_tax, a.amount_total, a.create_date, a.create_date, 1, 1
              FROM support_a1_form a WHERE a.name LIKE 'BA1%%'""",
            {"product": S.product_remote.id},
        )
        cr.execute(
            """INSERT INTO account_tax_support_a1_form_line_rel (support_a1_form_line_id, account_tax_id)
                      SELECT l.id, %s FROM support_a1_form_line l WHERE l.name = 'Remote support hour'
                      ON CONFLICT DO NOTHING""",
            (S.tax_24.id,),
        ) if _table_exists(cr, "account_tax_support_a1_form_line_rel") else None
        cr.execute("""UPDATE support_request r SET support_signed_on = a.signed_on
                        FROM support_a1_form a WHERE a.request_id = r.id AND a.state = 'signed'""")
        # ratings: every closed request was rated (scores 5, 3, 1 in 70/20/10)
        model_id = env["ir.model"]._get_id("support.request")
        cr.execute(
            """
            INSERT INTO rating_rating (res_model_id, res_model, res_id, res_name, partner_id, rated_partner_id,
                                       access_token, consumed, rating, rating_text, is_internal, support_source,
                                       create_date, write_date, create_uid, write_uid)
            SELECT %(model)s, 'support.request', r.id, r.name, r.partner_id, r.technician_id,
                   md5(random()::text || r.id), true,
                   CASE WHEN r.id %% 10 < 7 THEN 5 WHEN r.id %% 10 < 9 THEN 3 ELSE 1 END,
                   CASE WHEN r.id %% 10 < 7 THEN 'top' WHEN r.id %% 10 < 9 THEN 'ok' ELSE 'ko' END,
                   false, 'customer', r.support_signed_on + interval '1 day', r.support_signed_on + interval '1 day', 1, 1
              FROM support_request r WHERE r.name LIKE 'BRV%%' AND r.state = 'closed'""",
            {"model": model_id},
        )
        cr.execute("""UPDATE support_request r SET rating_last_value = rr.rating
                        FROM rating_rating rr WHERE rr.res_model = 'support.request' AND rr.res_id = r.id AND rr.consumed""")
        cr.execute(
            "SELECT setval(pg_get_serial_sequence('support_request', 'id'), (SELECT max(id) FROM support_request))"
        )
        cr.commit()
        cr.execute("ANALYZE")
        counts = {}
        for table in (
            "res_partner",
            "res_users",
            "support_request",
            "support_acceptance",
            "support_acceptance_line",
            "support_a1_form",
            "support_a1_form_line",
            "rating_rating",
        ):
            cr.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cr.fetchone()[0]
        cr.execute("SELECT state, count(*) FROM support_request GROUP BY state ORDER BY 2 DESC")
        states = dict(cr.fetchall())
        cr.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cr.fetchone()[0]
    info = {
        "scale": scale,
        "customers": n_customers,
        "requests": n_requests,
        "own_requests": n_own,
        "counts": counts,
        "request_states": states,
        "db_size": size,
        "gen_orm_s": round(t_orm, 1),
        "gen_total_s": round(time.time() - t0, 1),
    }
    save(args.out, {"data": info})
    print(json.dumps(info, indent=1))


def _table_exists(cr, name):
    cr.execute("SELECT 1 FROM pg_class WHERE relname = %s", (name,))
    return bool(cr.fetchone())


# ----------------------------------------------------------------------------------------
# In-process measurements
# ----------------------------------------------------------------------------------------


def _timed(cr, fn):
    q0 = cr.sql_log_count
    t0 = time.perf_counter()
    result = fn()
    return result, (time.perf_counter() - t0) * 1000, cr.sql_log_count - q0


def orm(args):  # noqa: C901 - the measurements one after the other
    registry = open_registry(args)
    res = {}
    which = set(args.only.split(",")) if args.only else None

    def want(name):
        return which is None or name in which

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Users = env["res.users"]
        user_support = Users.search([("login", "=", "cs_support")])
        user_manager = Users.search([("login", "=", "cs_manager")])
        customer = Users.search([("login", "=", CUSTOMER_LOGIN)]).partner_id.commercial_partner_id
        contact = Users.search([("login", "=", CUSTOMER_LOGIN)]).partner_id
        faults = env["support.fault"].search([("code", "like", "BF")])

        if want("phone"):
            times, queries = [], []
            for i in range(10):
                uenv = env(user=user_support.id)

                def register(uenv=uenv, i=i):
                    wizard = uenv["support.phone.request"].create(
                        {
                            "partner_id": customer.id,
                            "fault_id": faults[i % len(faults)].id,
                            "accepted_by_id": contact.id,
                            "description": f"Phone bench {i}",
                            "location": "remote",
                        }
                    )
                    wizard.action_register()
                    uenv.flush_all()
                    return wizard

                _w, ms, q = _timed(cr, register)
                if i:  # the first one warms the caches
                    times.append(ms)
                    queries.append(q)
                env.invalidate_all()
            res["phone"] = {
                "n": len(times),
                "p50_ms": pct(times, 50),
                "p95_ms": pct(times, 95),
                "queries": round(statistics.median(queries)),
            }
            cr.rollback()

        if want("portal_orm"):
            # what the portal POST does once the form is checked, without the HTTP layer
            portal_user = Users.search([("login", "=", CUSTOMER_LOGIN)])
            penv = env(user=portal_user.id)
            times, queries = [], []
            for i in range(12):
                vals = {
                    "partner_id": customer.id,
                    "contact_id": contact.id,
                    "company_id": faults[0].company_id.id,
                    "channel": "portal",
                    "fault_id": faults[i % len(faults)].id,
                    "description": f"Bench {i}",
                    "location": "remote",
                    "submission_token": f"bench-orm-token-{i:08d}",
                }

                def create(vals=vals):
                    with cr.savepoint():
                        req = penv["support.request"].sudo().create(vals)  # as the portal controller does
                        req._register_request(contact, "127.0.0.1")
                        penv.flush_all()

                _r, ms, q = _timed(cr, create)
                if i >= 2:
                    times.append(ms)
                    queries.append(q)
                env.invalidate_all()
            res["portal_orm"] = {
                "n": len(times),
                "p50_ms": pct(times, 50),
                "queries": round(statistics.median(queries)),
            }
            cr.rollback()

        if want("certification"):
            techs = env["res.partner"].with_context(active_test=False).search([("is_support_technician", "=", True)])
            _r, ms, q = _timed(cr, lambda: (techs._support_update_certification(), env.flush_all()))
            res["certification"] = {"technicians": len(techs), "s": round(ms / 1000, 2), "queries": q}
            cr.rollback()

        if want("invoicing"):
            accountant = Users.search([("login", "=", "cs_firm_accountant")])
            A1 = (
                env["support.a1.form"]
                .with_user(accountant)
                .with_context(allowed_company_ids=accountant.company_ids.ids, tracking_disable=True)
            )
            todo = A1.search(
                [("invoice_status", "=", "to_invoice"), ("firm_company_id", "in", accountant.company_ids.ids)],
                order="id",
            )
            # The measured batches run in a database that has issued invoices before, as a
            # real one: 100 forms (fewer at small scales) are invoiced and committed first, and the accounting tables
            # analyzed. On empty accounting tables PostgreSQL has no statistics and Odoo's
            # payments query on the new invoices (account.move, joins on OR) may get a plan
            # that takes minutes for 1,000 invoices; the first invoice also makes l10n_gr_edi
            # create its default myDATA classification and its XML id once (the measured
            # batches are rolled back, the registry's XML id cache is not).
            warm_up = todo[: min(WARM_UP_INVOICES, len(todo) // 15)]  # at --scale 0.1: 10 of 150
            warm_up.action_create_invoices()
            env.flush_all()
            cr.commit()
            cr.execute("ANALYZE account_move, account_move_line, account_partial_reconcile")
            todo = todo[len(warm_up) :]
            inv = {"available": len(todo)}
            for size in (10, 100, 1000):
                if size > len(todo):
                    break
                env.invalidate_all()
                batch = todo[:size]
                # Odoo's payments query on new invoices (OR joins) sometimes gets a bad plan on
                # the freshly generated tables: a bounded wait, reported as an error.
                cr.execute("SET LOCAL statement_timeout = '120s'")
                try:
                    _r, ms, q = _timed(cr, lambda batch=batch: (batch.action_create_invoices(), env.flush_all()))
                    inv[str(size)] = {"s": round(ms / 1000, 2), "queries": q, "queries_per_form": round(q / size, 1)}
                except Exception as exc:  # noqa: BLE001 -- reported in the table
                    inv[str(size)] = {"error": repr(exc)[:200]}
                cr.rollback()
                if inv[str(size)].get("s", 0) > 60:
                    break
            res["invoicing"] = inv

        if want("xlsx"):
            # 100,000 A1 Forms at scale 1: the data set has one per request past the visit (66%);
            # the rest are corrections (cancelled copies), inserted here and rolled back after.
            want = int(100000 * load(args.out).get("data", {}).get("scale", args.scale))
            cr.execute("SELECT count(*) FROM support_a1_form")
            missing = want - cr.fetchone()[0]
            if missing > 0:
                cr.execute(
                    """
                    WITH src AS (SELECT * FROM support_a1_form WHERE state = 'signed' ORDER BY id LIMIT %(n)s)
                    INSERT INTO support_a1_form (request_id, company_id, partner_id, technician_id, firm_id, correction_of_id,
                                                 access_token, name, state, invoice_status, amount_untaxed, amount_tax,
                                                 amount_total, date_start, date_end, duration, create_date, write_date,
                                                 create_uid, write_uid)
                    SELECT request_id, company_id, partner_id, technician_id, firm_id, id, gen_random_uuid()::text,
                           name || '-C', 'cancelled', 'no', amount_untaxed, amount_tax, amount_total, date_start, date_end,
                           duration, create_date, write_date, 1, 1 FROM src""",
                    {"n": missing},
                )
                cr.execute("""INSERT INTO support_a1_form_line (a1_form_id, company_id, product_id, name, sequence, quantity,
                                  price_unit, price_subtotal, price_tax, price_total, create_date, write_date, create_uid, write_uid)
                              SELECT a.id, a.company_id, l.product_id, l.name, l.sequence, l.quantity, l.price_unit,
                                     l.price_subtotal, l.price_tax, l.price_total, a.create_date, a.create_date, 1, 1
                                FROM support_a1_form a JOIN support_a1_form_line l ON l.a1_form_id = a.correction_of_id
                               WHERE a.name LIKE '%%-C'""")
                cr.execute("ANALYZE support_a1_form")
            Export = env["support.xlsx.export.engine"].with_user(user_manager).with_context(lang="en_US")
            n_forms = Export.env["support.a1.form"].search_count([])
            options = {
                "date_from": False,
                "date_to": False,
                "company_id": False,
                "firm_id": False,
                "technician_id": False,
                "partner_id": False,
                "request_state": False,
                "a1_state": False,
            }
            rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            with tempfile.TemporaryFile() as out:
                _r, ms, q = _timed(cr, lambda: Export._support_write_xlsx("a1_register", options, out))
                size = out.tell()
            rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            res["xlsx"] = {
                "forms": n_forms,
                "s": round(ms / 1000, 1),
                "queries": q,
                "bytes": size,
                "peak_rss_mb": round(rss1 / 1024),
                "rss_growth_mb": round((rss1 - rss0) / 1024),
            }
            cr.rollback()
    save(args.out, {"orm": {**load(args.out).get("orm", {}), **res}})
    print(json.dumps(res, indent=1))


def cron(args):
    """The escalation cron over N signed-unrated requests (commits: run last)."""
    registry = open_registry(args)
    res = {}
    from odoo.addons.base.models.ir_cron import IrCron

    original = IrCron._commit_progress
    for n in [int(x) for x in args.sizes.split(",")]:
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # exactly n requests signed long ago, in 'done', unrated; every other 'done' is moved away
            cr.execute("UPDATE support_request SET state = 'closed' WHERE state = 'done'")
            cr.execute(
                """UPDATE support_request SET state = 'done', support_signed_on = now() - interval '20 days'
                           WHERE id IN (SELECT id FROM support_request ORDER BY id DESC LIMIT %s)""",
                (n,),
            )
            # unrated: the rating request e-mail left one pending rating (a link) per request
            cr.execute("""DELETE FROM rating_rating WHERE res_model = 'support.request' AND res_id IN
                          (SELECT id FROM support_request WHERE state = 'done')""")
            cr.execute("""INSERT INTO rating_rating (res_model_id, res_model, res_id, res_name, partner_id, rated_partner_id,
                                                     access_token, consumed, rating, is_internal, create_date, write_date,
                                                     create_uid, write_uid)
                          SELECT (SELECT id FROM ir_model WHERE model = 'support.request'), 'support.request', r.id, r.name,
                                 coalesce(r.contact_id, r.partner_id), r.technician_id, md5(random()::text || r.id), false, 0,
                                 false, r.support_signed_on, r.support_signed_on, 1, 1
                            FROM support_request r WHERE r.state = 'done'""")
            cr.commit()
            deadline = time.time() + CRON_TIME_BUDGET
            counter = {"commits": 0}

            def bounded(self, processed=0, *, remaining=None, deactivate=False, counter=counter, deadline=deadline):
                counter["commits"] += 1
                self.env.cr.commit()
                return max(0.0, deadline - time.time())

            IrCron._commit_progress = bounded
            try:
                q0 = cr.sql_log_count
                t0 = time.perf_counter()
                env["support.request"]._cron_escalate_unrated()
                env.flush_all()
                cr.commit()
                elapsed = time.perf_counter() - t0
                queries = cr.sql_log_count - q0
            finally:
                IrCron._commit_progress = original
            cr.execute(
                "SELECT count(*) FROM support_request WHERE support_escalated_on >= %s",
                (datetime.utcnow() - timedelta(seconds=elapsed + 5),),
            )
            done = cr.fetchone()[0]
            entry = {
                "requests": n,
                "escalated": done,
                "s": round(elapsed, 2),
                "queries": queries,
                "complete": done >= n,
            }
            if done and done < n:
                entry["extrapolated_s"] = round(elapsed * n / done, 0)
            res[str(n)] = entry
            print(json.dumps({n: entry}), flush=True)
    save(args.out, {"cron": res})


# ----------------------------------------------------------------------------------------
# Through the HTTP server (--workers=2)
# ----------------------------------------------------------------------------------------


def http(args):  # noqa: C901 - the measurements one after the other
    import requests

    base = f"http://127.0.0.1:{args.port}"
    res = {}
    log_path = args.log

    def log_offset():
        return os.path.getsize(log_path)

    def queries_since(offset, path_re):
        # werkzeug lines end with "<query_count> <query_time> <remaining_time>"
        with open(log_path, errors="replace") as f:
            f.seek(offset)
            found = []
            for line in f:
                if "werkzeug" in line and re.search(path_re, line):
                    m = re.search(r'" (\d{3}) [-\d]+ (\d+) ([\d.]+) ([\d.]+)\s*$', line)
                    if m:
                        found.append((int(m.group(1)), int(m.group(2))))
            return found

    s = requests.Session()
    r = s.get(f"{base}/web/login", timeout=60)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    r = s.post(
        f"{base}/web/login",
        data={"login": CUSTOMER_LOGIN, "password": CUSTOMER_LOGIN, "csrf_token": csrf, "redirect": "/my"},
        timeout=60,
    )
    assert "/web/login" not in r.url, "portal login failed"

    # --- creating a request as the portal does ---------------------------------------------
    times, queries, statuses = [], [], []
    for i in range(args.n + 2):
        data = _new_request_data(base, s, f"Bench portal request {i}")
        offset = log_offset()
        t0 = time.perf_counter()
        r = s.post(f"{base}/my/support/new", data=data, allow_redirects=False, timeout=60)
        ms = (time.perf_counter() - t0) * 1000
        statuses.append(r.status_code)
        if r.status_code != 303 and r.status_code != 302:
            raise SystemExit(f"portal POST did not redirect ({r.status_code}): {r.text[:2000]}")
        time.sleep(0.05)
        q = queries_since(offset, r"POST /my/support/new")
        if i >= 2:  # two warm-ups
            times.append(ms)
            if q:
                queries.append(q[-1][1])
    res["portal_create"] = {
        "n": len(times),
        "p50_ms": pct(times, 50),
        "p95_ms": pct(times, 95),
        "queries": round(statistics.median(queries)) if queries else None,
        "queries_max": max(queries) if queries else None,
    }
    print(json.dumps(res["portal_create"]), flush=True)

    # --- portal pages --------------------------------------------------------------------------
    listing = s.get(f"{base}/my/support", timeout=60).text
    req_ids = re.findall(r"/my/support/(\d+)", listing)
    req_id = next((x for x in req_ids if x), None)
    a1 = s.get(f"{base}/my/a1", timeout=60).text
    a1_ids = re.findall(r"/my/a1/(\d+)", a1)
    pages = {
        "home": "/my",
        "list": "/my/support",
        "list_page_40": "/my/support/page/40",
        "detail": f"/my/support/{req_id}",
    }
    for name, url in pages.items():
        times, queries = [], []
        for i in range(args.n + 2):
            offset = log_offset()
            t0 = time.perf_counter()
            r = s.get(base + url, timeout=60, allow_redirects=False)
            ms = (time.perf_counter() - t0) * 1000
            if r.status_code != 200:
                raise SystemExit(f"{url}: HTTP {r.status_code}")
            if i >= 2:
                times.append(ms)
                time.sleep(0.02)
                q = queries_since(offset, "GET " + re.escape(url) + " ")
                if q:
                    queries.append(q[-1][1])
        res[f"page_{name}"] = {
            "url": url,
            "n": len(times),
            "p50_ms": pct(times, 50),
            "p95_ms": pct(times, 95),
            "queries": round(statistics.median(queries)) if queries else None,
        }
        print(json.dumps(res[f"page_{name}"]), flush=True)
    if a1_ids:
        url = f"/my/a1/{a1_ids[0]}?report_type=pdf&download=true"
        times = []
        for i in range(6):
            t0 = time.perf_counter()
            r = s.get(base + url, timeout=120)
            ms = (time.perf_counter() - t0) * 1000
            if r.status_code != 200 or not r.content.startswith(b"%PDF"):
                raise SystemExit(f"{url}: HTTP {r.status_code} {r.headers.get('content-type')}")
            if i:
                times.append(ms)
        res["page_a1_pdf"] = {"url": url, "n": len(times), "p50_ms": pct(times, 50), "p95_ms": pct(times, 95)}
    offset = log_offset()
    res["double_submit"] = _double_submit(base, s)
    time.sleep(0.5)
    with open(log_path, errors="replace") as f:
        f.seek(offset)
        # odoo.service.model.retrying logs the ConcurrencyError of the losing submission
        res["double_submit"]["retried"] = "submitted twice at once" in f.read()
    print(json.dumps(res["double_submit"]), flush=True)
    save(args.out, {"http": res})


def _double_submit(base, session):
    """The same portal form posted twice at the same moment, each POST on its own
    connection (so each reaches one of the 2 workers): one request, both answers show it."""
    import threading

    import requests

    data = _new_request_data(base, session, "Bench: the same form posted twice at once")
    barrier = threading.Barrier(2)
    answers = [None, None]

    def post(index):
        other = requests.Session()
        other.cookies.update(session.cookies)
        barrier.wait(30)
        r = other.post(f"{base}/my/support/new", data=data, allow_redirects=False, timeout=120)
        answers[index] = (r.status_code, r.headers.get("Location", ""))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(150)
    ids = {
        re.search(r"/my/support/(\d+)", location).group(1) if re.search(r"/my/support/(\d+)", location or "") else None
        for _status, location in (answer or (None, None) for answer in answers)
    }
    return {
        "answers": [list(answer) if answer else None for answer in answers],
        "token": data["submission_token"],
        "request_ids": sorted(filter(None, ids)),
    }


def _new_request_data(base, session, description):
    """What the portal's new-request form posts: its tokens, its first fault at the price it
    shows, a remote meeting and ``description``."""
    form = session.get(f"{base}/my/support/new", timeout=60).text
    fault_id, amount = _pick_fault(form)
    return {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', form).group(1),
        "submission_token": re.search(r'name="submission_token" value="([^"]+)"', form).group(1),
        "fault_id": fault_id,
        "amount_total": amount,
        "description": description,
        "location": "remote",
    }


def _pick_fault(form):
    # the first fault of the form's select, with the price it shows (the form posts it back)
    for m in re.finditer(r"<option\b([^>]*)>", form):
        attrs = m.group(1)
        v = re.search(r'value="(\d+)"', attrs)
        a = re.search(r'data-amount(?:-total|_total)?="([\d.]+)"', attrs)
        if v and a:
            return v.group(1), a.group(1)
    m = re.search(r'name="fault_id"[^>]*value="(\d+)"', form)
    a = re.search(r'data-amount(?:-total|_total)?="([\d.]+)"', form)
    if m and a:
        return m.group(1), a.group(1)
    raise SystemExit("no fault with its amount in /my/support/new")


# ----------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------


def reliability(args):
    """Real concurrency on the benchmark's data (committed): two accountants invoice the same
    A1 Form at once; the double portal submission made one request."""
    import threading

    registry = open_registry(args)
    res = {}
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        accountant = env["res.users"].search([("login", "=", "cs_firm_accountant")])
        user_id, company_ids = accountant.id, accountant.company_ids.ids
        form_id = (
            env["support.a1.form"]
            .search(
                [("invoice_status", "=", "to_invoice"), ("firm_company_id", "in", company_ids)],
                order="id desc",
                limit=1,
            )
            .id
        )
        token = load(args.out).get("http", {}).get("double_submit", {}).get("token")
        if token:
            res["double_submit_requests"] = env["support.request"].search_count([("submission_token", "=", token)])
    barrier = threading.Barrier(2)
    outcomes = [None, None]

    def invoice(index):
        try:
            with registry.cursor() as cr:
                env = api.Environment(cr, user_id, {"allowed_company_ids": company_ids})
                barrier.wait(30)
                env["support.a1.form"].browse(form_id).action_create_invoices()
                outcomes[index] = "invoiced"
        except Exception as exc:  # noqa: BLE001 -- the outcome is what is measured
            outcomes[index] = f"{type(exc).__name__}: {str(exc)[:80]}"

    threads = [threading.Thread(target=invoice, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    with registry.cursor() as cr:
        cr.execute("SELECT count(*) FROM account_move WHERE a1_form_id = %s AND state <> 'cancel'", [form_id])
        res["double_invoice"] = {"form": form_id, "invoices": cr.fetchone()[0], "outcomes": outcomes}
    print(json.dumps(res), flush=True)
    save(args.out, {"reliability": res})


def report(args):  # noqa: C901 - one table row per measurement
    d = load(args.out)
    h, o, c, data = d.get("http", {}), d.get("orm", {}), d.get("cron", {}), d.get("data", {})
    rows = []

    def row(what, figure, target="", ok=None):
        status = "" if ok is None else ("OK" if ok else "MISS")
        rows.append((what, figure, target, status))

    def g(dct, *keys):
        for k in keys:
            if not isinstance(dct, dict) or k not in dct:
                return None
            dct = dct[k]
        return dct

    pc = h.get("portal_create")
    if pc:
        row("Portal request creation (HTTP POST, 2 workers)", f"p50 {pc['p50_ms']} ms, p95 {pc['p95_ms']} ms", "")
        row(
            "  SQL queries per portal request",
            f"{pc['queries']} (max {pc['queries_max']})",
            "<= 36",
            pc["queries"] is not None and pc["queries_max"] <= 36,
        )
    po = o.get("portal_orm")
    if po:
        row(
            "  same, in process (create + acceptance + activity + e-mail, no HTTP)",
            f"p50 {po['p50_ms']:.0f} ms, {po['queries']} queries",
            "<= 36",
            po["queries"] <= 36,
        )
    ph = o.get("phone")
    if ph:
        row("Phone wizard request", f"p50 {ph['p50_ms']:.0f} ms, {ph['queries']} queries", "", None)
    for key, label, limit in (
        ("page_home", "Portal home /my", None),
        ("page_list", f"Portal list /my/support ({data.get('own_requests', 0):,} own)", 60),
        ("page_list_page_40", "Portal list, page 40", 60),
        ("page_detail", "Portal request detail", 30),
        ("page_a1_pdf", "A1 Form PDF", None),
    ):
        p = h.get(key)
        if p:
            q = f", {p['queries']} queries" if p.get("queries") is not None else ""
            row(
                label,
                f"p50 {p['p50_ms']} ms, p95 {p['p95_ms']} ms{q}",
                f"p95 < {limit} ms" if limit else "",
                (p["p95_ms"] < limit) if limit else None,
            )
    rates = []
    for n, e in sorted(c.items(), key=lambda kv: int(kv[0])):
        if e.get("escalated"):
            rates.append((int(n), e["s"] / e["escalated"] * 1000))
        fig = f"{e['s']} s ({e['escalated']} escalated, {e['queries']} queries)"
        if not e.get("complete"):
            fig += f"; stopped at the time budget, extrapolated {e.get('extrapolated_s')} s"
        s_total = e["s"] if e.get("complete") else e.get("extrapolated_s") or float("inf")
        target = "< 10 s" if int(n) >= 100000 else f"< {10 * int(n) / 100000:g} s (pro rata)"
        row(f"Escalation cron, {int(n):,} signed-unrated", fig, target, s_total < 10 * int(n) / 100000)
    if len(rates) >= 2:
        row(
            "  escalation: ms per request, small vs large set",
            f"{rates[0][1]:.2f} ms at {rates[0][0]:,} -> {rates[-1][1]:.2f} ms at {rates[-1][0]:,}",
            "linear (constant per request)",
            rates[-1][1] <= rates[0][1] * 1.25,
        )
    inv = o.get("invoicing")
    if inv:
        per = [(k, v) for k, v in inv.items() if isinstance(v, dict) and "queries_per_form" in v]
        for k, v in per:
            row(
                f"Invoicing {int(k):,} signed A1 Forms",
                f"{v['s']} s, {v['queries_per_form']} queries/form",
                "constant/form",
                None,
            )
        if len(per) >= 2:
            first, last = per[0][1]["queries_per_form"], per[-1][1]["queries_per_form"]
            row("  queries per form as the batch grows", f"{first} -> {last}", "constant", last <= first * 1.1)
        for k, v in inv.items():
            if isinstance(v, dict) and "error" in v:
                row(f"Invoicing {k} A1 Forms", "ERROR " + v["error"], "", False)
    x = o.get("xlsx")
    if x:
        row(
            f"XLSX export of {x['forms']:,} A1 Forms",
            f"{x['s']} s, peak RSS {x['peak_rss_mb']} MB (+{x['rss_growth_mb']} MB)",
            "",
            None,
        )
    ce = o.get("certification")
    if ce:
        row(
            f"Certification recompute, {ce['technicians']} technicians",
            f"{ce['s']} s, {ce['queries']} queries",
            "",
            None,
        )

    ds, rl = h.get("double_submit"), d.get("reliability", {})
    if ds:
        n = rl.get("double_submit_requests")
        statuses = [answer[0] if answer else None for answer in ds["answers"]]
        row(
            "Reliability: the same portal form posted twice at once",
            f"{n} request; answers {statuses}, to request {', '.join(ds['request_ids']) or '-'}"
            + ("; the second one retried (ConcurrencyError)" if ds.get("retried") else ""),
            "1 request, both shown it",
            n == 1 and len(ds["request_ids"]) == 1 and statuses == [303, 303],
        )
    di = rl.get("double_invoice")
    if di:
        row(
            "Reliability: two accountants invoice the same A1 Form at once",
            f"{di['invoices']} invoice; {' / '.join(str(o) for o in di['outcomes'])}",
            "1 invoice",
            di["invoices"] == 1,
        )

    lines = ["| What | Figure | Target | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {t} | {s} |" for a, b, t, s in rows]
    if data:
        print(
            f"Data: {data['requests']:,} requests over {data['customers']:,} customers, {data['own_requests']:,} "
            f"of them for the measured portal customer (scale {data['scale']}); generated in "
            f"{data['gen_total_s']} s; database {data['db_size']}"
        )
    print("\n".join(lines))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("phase", choices=["gen", "orm", "cron", "http", "reliability", "report"])
    p.add_argument("--conf")
    p.add_argument("--db", default="certified_support_bench")
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--out", required=True)
    p.add_argument("--port", type=int)
    p.add_argument("--log")
    p.add_argument("--n", type=int, default=30)
    p.add_argument("--only")
    p.add_argument("--sizes", default="10000,100000")
    args = p.parse_args()
    {"gen": gen, "orm": orm, "cron": cron, "http": http, "reliability": reliability, "report": report}[args.phase](args)


if __name__ == "__main__":
    sys.exit(main())
