"""Reliability under concurrency and faults, with real database transactions.

The other tests run inside one transaction that is rolled back: two runs "at once" cannot
be shown there, since a second connection sees none of their data. These tests commit a
small data set of their own through separate connections, run two transactions against it
at the same time (threads), and delete it at the end.
"""

# These tests commit their own data on purpose (see above) and delete it at the end:
# pylint: disable=invalid-commit

import threading
import uuid
from contextlib import closing
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL, mute_logger

from ..models import support_request

TIMEOUT = 30  # seconds: a test that would hang fails instead


@tagged("post_install", "-at_install")
class TestConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.Request = cls.registry["support.request"]  # the model class, patched by some tests
        cls.tag = uuid.uuid4().hex[:8]  # the committed records are this run's only
        with cls._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
            company = env.ref("base.main_company")
            customer = env["res.partner"].create(
                {
                    "name": f"Concurrency customer {cls.tag}",
                    "is_company": True,
                    "email": f"cc-{cls.tag}@example.com",
                    "phone": "+30 210 7654321",
                }
            )
            # A service with the company's sales tax (the invoice of an A1 Form takes a VAT on services).
            product = env["product.product"].create(
                {
                    "name": f"Concurrency support hour {cls.tag}",
                    "type": "service",
                    "list_price": 36.0,
                    "taxes_id": [Command.set(company.account_sale_tax_id.ids)],
                }
            )
            fault = env["support.fault"].create(
                {
                    "code": f"CC{cls.tag}",
                    "name": f"Concurrency fault {cls.tag}",
                    "company_id": company.id,
                    "line_ids": [Command.create({"product_id": product.id, "quantity": 1.0})],
                }
            )
            cls.ids = {
                "customer": customer.id,
                "fault": fault.id,
                "company": company.id,
                "product": product.id,
                "template": product.product_tmpl_id.id,
                "user": env.ref("base.user_admin").id,
            }
            cr.commit()

    @classmethod
    def tearDownClass(cls):
        with cls._cursor() as cr:
            cr.execute(SQL("SELECT id FROM support_request WHERE partner_id = %s", cls.ids["customer"]))
            request_ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                SQL(
                    """SELECT id FROM mail_message
                    WHERE (model = 'support.request' AND res_id = ANY(%s))
                       OR (model = 'res.users' AND res_id = %s AND subject ILIKE %s)""",
                    request_ids,
                    cls.ids["user"],
                    "%close by phone%",
                )
            )
            message_ids = [row[0] for row in cr.fetchall()]
            cr.execute(SQL("SELECT id FROM support_a1_form WHERE request_id = ANY(%s)", request_ids))
            form_ids = [row[0] for row in cr.fetchall()]
            cr.execute(SQL("SELECT id FROM account_move WHERE a1_form_id = ANY(%s)", form_ids))
            move_ids = [row[0] for row in cr.fetchall()]
            cr.execute(
                SQL(
                    """SELECT id FROM mail_message
                    WHERE (model = 'support.a1.form' AND res_id = ANY(%s))
                       OR (model = 'account.move' AND res_id = ANY(%s))""",
                    form_ids,
                    move_ids,
                )
            )
            message_ids += [row[0] for row in cr.fetchall()]
            cr.execute(SQL("DELETE FROM mail_mail WHERE mail_message_id = ANY(%s)", message_ids))
            cr.execute(SQL("DELETE FROM mail_message WHERE id = ANY(%s)", message_ids))
            for table in ("mail_activity", "rating_rating", "mail_followers"):
                cr.execute(
                    SQL(
                        "DELETE FROM %s WHERE res_model = 'support.request' AND res_id = ANY(%s)",
                        SQL.identifier(table),
                        request_ids,
                    )
                )
            for model, ids in (("support.a1.form", form_ids), ("account.move", move_ids)):
                cr.execute(SQL("DELETE FROM mail_followers WHERE res_model = %s AND res_id = ANY(%s)", model, ids))
            cr.execute(SQL("DELETE FROM account_move WHERE id = ANY(%s)", move_ids))  # its lines cascade
            cr.execute(SQL("DELETE FROM support_a1_form WHERE id = ANY(%s)", form_ids))  # its lines cascade
            cr.execute(
                SQL(
                    "DELETE FROM support_acceptance_line WHERE acceptance_id IN "
                    "(SELECT id FROM support_acceptance WHERE request_id = ANY(%s))",
                    request_ids,
                )
            )
            cr.execute(SQL("DELETE FROM support_acceptance WHERE request_id = ANY(%s)", request_ids))
            cr.execute(SQL("DELETE FROM support_request WHERE id = ANY(%s)", request_ids))
            cr.execute(SQL("DELETE FROM crm_lead WHERE partner_id = %s", cls.ids["customer"]))
            cr.execute(SQL("DELETE FROM support_fault WHERE id = %s", cls.ids["fault"]))
            cr.execute(SQL("DELETE FROM product_product WHERE id = %s", cls.ids["product"]))
            cr.execute(SQL("DELETE FROM product_template WHERE id = %s", cls.ids["template"]))
            cr.execute(SQL("DELETE FROM res_partner WHERE id = %s", cls.ids["customer"]))
            cr.commit()
        super().tearDownClass()

    @classmethod
    def _cursor(cls):
        return closing(cls.registry.cursor())

    def _request_values(self, description, channel="phone", **values):
        """A remote request of this run's customer for this run's fault, in the main company."""
        return {
            "partner_id": self.ids["customer"],
            "fault_id": self.ids["fault"],
            "company_id": self.ids["company"],
            "channel": channel,
            "location": "remote",
            "description": description,
            **values,
        }

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _run_threads(self, *targets):
        """Run the targets at once, each in its own thread; re-raise what failed."""
        errors = []

        def run(target):
            try:
                target()
            except Exception as exc:  # noqa: BLE001 - reported to the test below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(target,)) for target in targets]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT)
            self.assertFalse(thread.is_alive(), "a transaction waited forever")
        if errors:
            raise errors[0]

    def _race(self, model_class, method_name, transaction):
        """Run ``transaction("first")`` and ``transaction("second")`` in two threads, so that
        the second one runs while the first is held inside ``method_name`` of
        ``model_class`` (its row locks taken, nothing committed) until the second has ended."""
        first_holds = threading.Event()
        second_done = threading.Event()
        original = getattr(model_class, method_name)

        def hold(records, *args, **kwargs):
            if threading.current_thread().name == "first":
                first_holds.set()
                assert second_done.wait(TIMEOUT), "the second transaction did not end"
            return original(records, *args, **kwargs)

        def thread(name):
            def target():
                threading.current_thread().name = name
                try:
                    if name == "second":
                        assert first_holds.wait(TIMEOUT), "the first transaction did not get there"
                    transaction(name)
                finally:
                    if name == "second":
                        second_done.set()

            return target

        with patch.object(model_class, method_name, hold):
            self._run_threads(thread("first"), thread("second"))

    def _signed_unrated_requests(self, count):
        """``count`` committed requests signed 20 days ago, each with its pending rating."""
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
            requests = env["support.request"].create(
                [
                    self._request_values(f"Concurrency {self.tag} {index}", user_id=self.ids["user"])
                    for index in range(count)
                ]
            )
            env.flush_all()
            cr.execute(
                SQL(
                    "UPDATE support_request SET state = 'done', support_signed_on = %s WHERE id = ANY(%s)",
                    fields.Datetime.subtract(fields.Datetime.now(), days=20),
                    requests.ids,
                )
            )
            for request in requests:
                request._rating_get_access_token()  # the rating request's link
            cr.commit()
            return requests.ids

    def _rating_tokens(self, request_ids):
        with self._cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT res_id, access_token FROM rating_rating WHERE res_model = 'support.request' "
                    "AND res_id = ANY(%s)",
                    request_ids,
                )
            )
            return dict(cr.fetchall())

    def _states(self, request_ids):
        with self._cursor() as cr:
            cr.execute(
                SQL(
                    """SELECT r.state, count(DISTINCT r.id), count(a.id)
                     FROM support_request r
                LEFT JOIN mail_activity a ON a.res_model = 'support.request' AND a.res_id = r.id
                    WHERE r.id = ANY(%s) GROUP BY r.state""",
                    request_ids,
                )
            )
            return {state: (requests, activities) for state, requests, activities in cr.fetchall()}

    # ------------------------------------------------------------------
    # The escalation cron
    # ------------------------------------------------------------------

    def test_two_cron_runs_at_once_escalate_each_request_once(self):
        request_ids = self._signed_unrated_requests(6)

        def run_cron(_name):
            with self._cursor() as cr:
                self._env(cr)["support.request"]._cron_escalate_unrated(batch_size=4)
                cr.commit()

        # the second run comes while the first holds its first batch
        self._race(self.Request, "_support_escalate", run_cron)
        self.assertEqual(
            self._states(request_ids), {"to_close_by_phone": (6, 6)}, "every request escalated, with one activity each"
        )

    def test_killed_cron_leaves_no_half_escalated_request_and_the_next_run_finishes(self):
        request_ids = self._signed_unrated_requests(5)
        tokens_before = self._rating_tokens(request_ids)
        calls = []
        original_activities = self.Request._support_schedule_activities

        def killed_in_second_batch(records, *args, **kwargs):
            calls.append(len(records))
            activities = original_activities(records, *args, **kwargs)
            if len(calls) == 2:
                # the process dies after the state, the links and the activities of its
                # second batch, before the e-mail and the commit
                raise SystemExit("killed")
            return activities

        with (
            patch.object(self.Request, "_support_schedule_activities", killed_in_second_batch),
            patch.object(support_request, "ESCALATION_BATCH_SIZE", 2),
            self._cursor() as cr,
        ):
            with self.assertRaises(SystemExit):
                self._env(cr)["support.request"]._cron_escalate_unrated()
            # the connection is lost: the uncommitted batch is rolled back
        self.assertEqual(
            self._states(request_ids),
            {"to_close_by_phone": (2, 2), "done": (3, 0)},
            "the committed batch is whole, the killed one left no trace",
        )
        with self._cursor() as cr:
            cr.execute(
                SQL(
                    """SELECT count(*) FROM rating_rating WHERE res_model = 'support.request'
                              AND res_id = ANY(%s) AND consumed IS NOT TRUE""",
                    request_ids,
                )
            )
            self.assertEqual(cr.fetchone()[0], 5, "one pending rating each, none lost")
        tokens_after = self._rating_tokens(request_ids)
        renewed = {res_id for res_id in request_ids if tokens_after[res_id] != tokens_before[res_id]}
        self.assertEqual(len(renewed), 2, "the links of the committed batch only are dead")
        with self._cursor() as cr:
            self._env(cr)["support.request"]._cron_escalate_unrated()
            cr.commit()
        self.assertEqual(self._states(request_ids), {"to_close_by_phone": (5, 5)}, "the next run finishes")

    # ------------------------------------------------------------------
    # The portal form submitted twice at once
    # ------------------------------------------------------------------

    @mute_logger("odoo.sql_db")  # the losing INSERT is logged as a bad query: expected here
    def test_same_form_submitted_twice_at_once_makes_one_request(self):
        """The portal controller retries the losing submission (ConcurrencyError) on exactly
        this unique violation; run again, it finds the request (test_portal_request)."""
        token = f"cc-{self.tag}-" + "x" * 24
        first_inserted = threading.Event()
        results = {}

        def submit(name):
            def target():
                with self._cursor() as cr:
                    env = self._env(cr)
                    if name == "second":
                        assert first_inserted.wait(TIMEOUT)
                    try:
                        with cr.savepoint():
                            request = env["support.request"].create(
                                self._request_values(f"Submitted twice {self.tag}", "portal", submission_token=token)
                            )
                            if name == "first":
                                first_inserted.set()
                                cr.execute("SELECT pg_sleep(0.5)")  # the second one waits on the index
                            request._register_request(env["res.partner"].browse(self.ids["customer"]))
                            env.flush_all()
                        cr.commit()
                        results[name] = request.id
                    except IntegrityError as exc:
                        results[name] = exc.diag.constraint_name

            return target

        self._run_threads(submit("first"), submit("second"))
        self.assertIsInstance(results["first"], int)
        self.assertEqual(
            results["second"],
            "support_request_submission_uniq",
            "the second INSERT waited for the first transaction, then was refused",
        )
        with self._cursor() as cr:
            cr.execute(
                SQL(
                    """SELECT count(DISTINCT r.id), count(a.id) FROM support_request r
                               LEFT JOIN support_acceptance a ON a.request_id = r.id
                              WHERE r.submission_token = %s""",
                    token,
                )
            )
            self.assertEqual(cr.fetchone(), (1, 1), "one request, one cost acceptance")

    # ------------------------------------------------------------------
    # Two accountants invoicing the same A1 Form
    # ------------------------------------------------------------------

    def _signed_a1_form_of_a_company_firm(self):
        """A committed signed A1 Form, waiting for its invoice, whose firm is a company of
        this database: the main company, with the chart of accounts Odoo gives it at install."""
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
            company = env["res.company"].browse(self.ids["company"])
            request = env["support.request"].create(
                self._request_values(f"Invoiced twice {self.tag}", user_id=self.ids["user"])
            )
            request._register_request(env["res.partner"].browse(self.ids["customer"]))  # the accepted cost
            env.flush_all()
            # The visit as the technician of a firm that is this company leaves it.
            cr.execute(
                SQL(
                    "UPDATE support_request SET state = 'done', firm_id = %s WHERE id = %s",
                    company.partner_id.id,
                    request.id,
                )
            )
            request.invalidate_recordset()
            form = env["support.a1.form"].create({"request_id": request.id})  # the accepted actions
            env.flush_all()
            cr.execute(
                SQL(
                    """UPDATE support_a1_form SET state = 'signed', signed_by = 'Concurrency', signed_how = 'scan',
                          signed_on = now() AT TIME ZONE 'UTC', invoice_status = 'to_invoice'
                    WHERE id = %s""",
                    form.id,
                )
            )
            self.assertEqual(form.firm_company_id, company, "the firm is a company of this database")
            cr.commit()
            return form.id

    def _invoice_count(self, form_id):
        with self._cursor() as cr:
            cr.execute(SQL("SELECT count(*), sum(amount_untaxed) FROM account_move WHERE a1_form_id = %s", form_id))
            return cr.fetchone()

    def test_two_accountants_invoicing_the_same_a1_form_make_one_invoice(self):
        form_id = self._signed_a1_form_of_a_company_firm()
        outcomes = {}

        def invoice(name):
            with self._cursor() as cr:
                accountant = self.ids["user"]  # an administrator of the accounting
                env = api.Environment(cr, accountant, {"allowed_company_ids": [self.ids["company"]]})
                try:
                    env["support.a1.form"].browse(form_id).action_create_invoices()
                    env.flush_all()
                    cr.commit()
                    outcomes[name] = "invoiced"
                except UserError as exc:
                    outcomes[name] = str(exc)

        # the second accountant comes while the first holds the form, its invoice not created yet
        self._race(self.registry["support.a1.form"], "_prepare_firm_invoice_vals", invoice)
        self.assertEqual(
            outcomes, {"first": "invoiced", "second": "These A1 Forms are being invoiced by someone else."}
        )
        self.assertEqual(self._invoice_count(form_id), (1, 36.0), "one invoice, of the signed amount")
        # Later, the other accountant tries again: the form is invoiced already.
        invoice("third")
        self.assertIn("is not a signed A1 Form waiting for its invoice", outcomes["third"])
        self.assertEqual(self._invoice_count(form_id), (1, 36.0))
