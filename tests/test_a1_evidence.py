"""The signed A1 Form stays what was signed.

Every role, with and without every context key the addon's code reads (and Odoo's
uninstall flag), is refused each create, write and delete of a signed A1 Form, of its
services, recommendations, attachments and signature, and of an invoiced A1 Form; the
Verify button recomputes the SHA-256 of the stored document; the scan records which
recommendations the customer ticked on paper, and each accepted kind has its follow-up.
"""

import base64
import hashlib
from xmlrpc.client import Fault

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SupportCommon, SupportHttpCommon
from .production_common import RECOMMENDATIONS, ProductionOrderMixin

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

# Every key of the context that the addon's code reads (grep context.get / context[ in
# models, wizards and controllers), and Odoo's uninstall flag, which lifts the usual
# ``@api.ondelete(at_uninstall=False)`` guards: none of them unlocks anything.
CONTEXT_KEYS = {
    "support_acceptance_cancel": True,
    "support_escalation_digest": True,
    "hardware_recommendations": True,
    "can_record_invoice": True,
    "_force_unlink": True,
}


class A1EvidenceMixin(ProductionOrderMixin):
    @classmethod
    def _setup_signed_and_invoiced(cls):
        cls._setup_a1_data()
        cls._setup_firm_company()
        # Signed online (the rendered PDF and the drawn signature), with a photo attached before.
        cls.signed = cls._create_a1()
        cls.photo = cls.env["ir.attachment"].create(
            {
                "name": "server-room.jpg",
                "raw": b"\xff\xd8\xff photo",
                "res_model": "support.a1.form",
                "res_id": cls.signed.id,
            }
        )
        cls.signed._sign(
            "Γιώργος Παπαδόπουλος",
            "portal",
            ip_address="10.0.0.7",
            signature=PNG,
            accepted_recommendations=cls.signed.recommendation_ids[:1],
        )
        cls.signed_pdf = cls.signed.signed_pdf_id
        cls.signature_attachment = cls.env["ir.attachment"].search(
            [
                ("res_model", "=", "support.a1.form"),
                ("res_id", "=", cls.signed.id),
                ("res_field", "=", "signature"),
            ]
        )
        cls.signature_raw = cls.signature_attachment.raw
        assert cls.signature_raw, "the drawn signature is an attachment of the form"
        # Signed by scan and invoiced (posted) by the firm's accountant.
        cls.invoiced = cls._create_signed_a1(request=cls.other_request)
        cls.invoice = cls._invoice_a1(cls.invoiced, post=True)


@tagged("post_install", "-at_install")
class TestA1Evidence(A1EvidenceMixin, SupportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_signed_and_invoiced()
        cls.roles = {
            "support user": cls.user_support,
            "production": cls.user_production,
            "accountant": cls.user_accountant,
            "firm's accountant": cls.user_firm_accountant,
            "support manager": cls.user_manager,
            "customer": cls.user_customer,
            "technician": cls.user_technician,
            "firm manager": cls.user_firm_manager,
        }

    # ------------------------------------------------------------------
    # Role x operation
    # ------------------------------------------------------------------

    def _form_attempts(self, env, form):
        """Create, write and delete attempts on a signed A1 Form, its services,
        recommendations, attachments and signature."""
        form = form.with_env(env)
        line = env["support.a1.form.line"].browse(form.sudo().line_ids[:1].id)
        rec = env["support.a1.recommendation"].browse(form.sudo().recommendation_ids[:1].id)
        Attachment = env["ir.attachment"]
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "support.a1.form"), ("res_id", "=", form.id)]
        )
        document = Attachment.browse(form.sudo().signed_pdf_id.id)
        other_pdf = self.env["ir.attachment"].create({"name": "forged.pdf", "raw": b"%PDF-1.4 forged"})
        return {
            "create a form already signed": lambda: env["support.a1.form"].create(
                {
                    "request_id": form.sudo().request_id.id,
                    "state": "signed",
                    "signed_by": "X",
                    "signed_how": "scan",
                    "signed_on": "2026-03-12 10:00:00",
                    "signed_pdf_id": other_pdf.id,
                    "signed_pdf_sha256": hashlib.sha256(b"%PDF-1.4 forged").hexdigest(),
                }
            ),
            "write the note": lambda: form.write({"note": "<p>άλλο</p>"}),
            "write the number": lambda: form.write({"name": "A1/FORGED"}),
            "write the meeting end": lambda: form.write({"date_end": "2026-03-12 12:00:00"}),
            "write back to draft": lambda: form.write({"state": "draft"}),
            "write back to filed": lambda: form.write({"state": "filed"}),
            "write corrected": lambda: form.write({"state": "corrected"}),
            "write cancelled": lambda: form.write({"state": "cancelled"}),
            "cancel": lambda: form.action_cancel(),
            "write the signature": lambda: form.write({"signature": PNG}),
            "clear the signature": lambda: form.write({"signature": False}),
            "write who signed": lambda: form.write({"signed_by": "Άλλος"}),
            "write when signed": lambda: form.write({"signed_on": "2026-01-01 10:00:00"}),
            "write the SHA-256": lambda: form.write({"signed_pdf_sha256": "0" * 64}),
            "write the signed PDF": lambda: form.write({"signed_pdf_id": other_pdf.id}),
            "clear the signed PDF": lambda: form.write({"signed_pdf_id": False}),
            "write what it corrects": lambda: form.write({"correction_of_id": self.invoiced.id}),
            "write the invoice status": lambda: form.write({"invoice_status": "to_invoice"}),
            "write the firm's company": lambda: form.write({"firm_company_id": False}),
            "write an external invoice": lambda: form.write({"external_invoice_ref": "ΤΠΥ 99"}),
            "write a service through the form": lambda: form.write(
                {"line_ids": [Command.update(line.id, {"quantity": 9})]}
            ),
            "delete a service through the form": lambda: form.write({"line_ids": [Command.unlink(line.id)]}),
            "write a recommendation through the form": lambda: form.write(
                {"recommendation_ids": [Command.update(rec.id, {"accepted": "no"})]}
            ),
            "delete the form": lambda: form.unlink(),
            "create a service": lambda: env["support.a1.form.line"].create(
                {"a1_form_id": form.id, "product_id": self.product_remote.id, "quantity": 1}
            ),
            "write a service": lambda: line.write({"quantity": 9}),
            "move a service away": lambda: line.write({"a1_form_id": self._create_a1(file=False).id}),
            "delete a service": lambda: line.unlink(),
            "create a recommendation": lambda: env["support.a1.recommendation"].create(
                {"a1_form_id": form.id, "name": "Νέα", "kind": "software"}
            ),
            "write a recommendation": lambda: rec.write({"accepted": "no"}),
            "write a recommendation's kind": lambda: rec.write({"kind": "other"}),
            "write where a recommendation comes from": lambda: rec.write({"origin_id": rec.id}),
            "delete a recommendation": lambda: rec.unlink(),
            "create an attachment in the signature field": lambda: Attachment.create(
                {
                    "name": "signature",
                    "raw": base64.b64decode(PNG),
                    "res_model": "support.a1.form",
                    "res_id": form.id,
                    "res_field": "signature",
                }
            ),
            "move an attachment into the signature field": lambda: Attachment.browse(other_pdf.id).write(
                {
                    "res_model": "support.a1.form",
                    "res_id": form.id,
                    "res_field": "signature",
                }
            ),
            "write the signed PDF's content": lambda: document.write({"raw": b"%PDF-1.4 forged"}),
            "write the signed PDF's data": lambda: document.write({"datas": base64.b64encode(b"%PDF-1.4 forged")}),
            "rename the signed PDF": lambda: document.write({"name": "other.pdf"}),
            "move the signed PDF away": lambda: document.write(
                {"res_id": self.signed.id if form != self.signed else self.invoiced.id}
            ),
            "detach the signed PDF": lambda: document.write({"res_model": False, "res_id": False}),
            "write every attachment": lambda: Attachment.browse(attachments.ids).write({"raw": b"forged"}),
            "delete the signed PDF": lambda: document.unlink(),
            "delete every attachment": lambda: Attachment.browse(attachments.ids).unlink(),
        }

    def _invoice_attempts(self, env):
        """Invoicing an invoiced A1 Form again, or freeing it to be invoiced again."""
        form = self.invoiced.with_env(env)
        invoice = env["account.move"].browse(self.invoice.id)
        return {
            "invoice again": lambda: form.with_context(
                allowed_company_ids=self.firm_company.ids
            ).action_create_invoices(),
            "create a second invoice": lambda: env["account.move"]
            .with_context(allowed_company_ids=self.firm_company.ids)
            .create(self.invoiced.sudo()._prepare_firm_invoice_vals()),
            "unlink the invoice from the form": lambda: invoice.write({"a1_form_id": False}),
            "move the invoice to another form": lambda: invoice.write({"a1_form_id": self.signed.id}),
            "write the form to invoice": lambda: form.write({"invoice_status": "to_invoice"}),
            "record an external invoice": lambda: form.write(
                {"external_invoice_ref": "ΤΠΥ 99", "external_invoice_date": "2026-03-13", "external_invoice_amount": 1}
            ),
        }

    def _assert_refused(self, attempt, **labels):
        with self.subTest(**labels):
            try:
                with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                    self.env.invalidate_all()  # nothing cached hides an access error
                    attempt()
                    self.env.flush_all()
            # AccessError and ValidationError are UserErrors; a second invoice may reach the database's unique index.
            except (UserError, IntegrityError):  # pylint: disable=except-pass  # refused, as expected
                pass
            else:
                self.fail(f"not refused: {labels}")

    def _assert_evidence_unchanged(self):
        self.env.invalidate_all()
        form = self.signed
        self.assertEqual(form.state, "signed")
        self.assertEqual(form.signed_by, "Γιώργος Παπαδόπουλος")
        self.assertEqual(form.signed_pdf_id, self.signed_pdf)
        self.assertTrue(form._check_signature_integrity()[form.id])
        self.assertEqual(self.signature_attachment.exists().raw, self.signature_raw)
        self.assertEqual(base64.b64decode(form.signature), self.signature_raw)
        self.assertEqual(self.photo.exists().raw, b"\xff\xd8\xff photo")
        self.assertEqual(form.line_ids.mapped("quantity"), [1.5])
        self.assertEqual(form.recommendation_ids.mapped("accepted"), ["yes", "no"])
        self.assertEqual(self.invoiced.invoice_status, "invoiced")
        self.assertEqual(self.invoiced.invoice_ids, self.invoice)
        self.assertTrue(self.invoiced._check_signature_integrity()[self.invoiced.id])

    def test_every_role_is_refused_with_or_without_context_keys(self):
        for role, user in self.roles.items():
            for context in ({}, CONTEXT_KEYS):
                env = self.env(user=user, context=dict(self.env.context, **context))
                for name, form in (("signed", self.signed), ("invoiced", self.invoiced)):
                    for operation, attempt in self._form_attempts(env, form).items():
                        self._assert_refused(attempt, role=role, context=bool(context), form=name, operation=operation)
                for operation, attempt in self._invoice_attempts(env).items():
                    self._assert_refused(
                        attempt, role=role, context=bool(context), form="invoiced", operation=operation
                    )
        self._assert_evidence_unchanged()

    def test_privileged_code_is_refused_too(self):
        """The lock is the record's, not the caller's: even the superuser (sudo code) cannot
        replace or delete the evidence."""
        for context in ({}, CONTEXT_KEYS):
            env = self.env(su=True, context=dict(self.env.context, **context))
            for name, form in (("signed", self.signed), ("invoiced", self.invoiced)):
                for operation, attempt in self._form_attempts(env, form).items():
                    self._assert_refused(attempt, context=bool(context), form=name, operation=operation)
            for operation, attempt in self._invoice_attempts(env).items():
                if operation == "invoice again":
                    continue  # the superuser is no accountant of the firm: refused, but not by the lock
                self._assert_refused(attempt, context=bool(context), form="invoiced", operation=operation)
        self._assert_evidence_unchanged()

    def test_what_still_works_on_a_signed_form(self):
        """The chatter, followers, to-dos and the portal link of a signed form; a copy of its
        PDF sent by the mail composer; a draft form's attachments."""
        form = self.signed.with_user(self.user_support)
        form.message_post(body="Ο πελάτης ζήτησε αντίγραφο.", attachments=[("note.txt", b"note")])
        form.message_subscribe(partner_ids=self.user_accountant.partner_id.ids)
        form.activity_schedule("mail.mail_activity_data_todo", user_id=self.user_support.id)
        form.sudo()._portal_ensure_token()
        # the composer copies the signed PDF, then links the copy to the form's chatter
        copy = self.signed_pdf.with_user(self.user_support).copy({"res_model": "mail.compose.message", "res_id": 0})
        self.assertEqual(copy.raw, self.signed_pdf.raw)
        form.message_post(body="Αντίγραφο", attachment_ids=copy.ids)
        self.assertEqual((copy.res_model, copy.res_id), ("support.a1.form", form.id))
        # an unsigned form's attachments are the staff's to change
        draft = self._create_a1(request=self.other_request, file=False)
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.user_support)
            .create({"name": "x.txt", "raw": b"x", "res_model": "support.a1.form", "res_id": draft.id})
        )
        attachment.write({"raw": b"y"})
        attachment.unlink()
        self._assert_evidence_unchanged()

    # ------------------------------------------------------------------
    # Verify
    # ------------------------------------------------------------------

    def _tamper(self, attachment, content):
        """What nobody can do through Odoo: change the stored file behind its back."""
        Attachment = self.env["ir.attachment"]
        fname = Attachment._file_write(content, hashlib.sha1(content).hexdigest())
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ir_attachment SET store_fname = %s, db_datas = NULL WHERE id = %s", (fname, attachment.id)
        )
        self.env.invalidate_all()

    def test_verify_says_intact_then_altered(self):
        for user in (self.user_support, self.user_accountant):
            with self.subTest(user=user.login):
                action = self.signed.with_user(user).action_verify_signature()
                self.assertEqual((action["type"], action["tag"]), ("ir.actions.client", "display_notification"))
                self.assertEqual(action["params"]["type"], "success")
                self.assertIn(self.signed.name, action["params"]["message"])
                self.assertNotIn(None, action["params"].values())
        self.assertEqual(self.signed._check_signature_integrity(), {self.signed.id: True})
        both = self.signed | self.invoiced
        self.assertEqual(both._check_signature_integrity(), {self.signed.id: True, self.invoiced.id: True})

        self._tamper(self.signed_pdf, b"%PDF-1.4 edited in the filestore")
        self.assertEqual(both._check_signature_integrity(), {self.signed.id: False, self.invoiced.id: True})
        action = self.signed.with_user(self.user_accountant).action_verify_signature()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("not the document the customer signed", action["params"]["message"])

    def test_verify_in_greek(self):
        action = self.signed.with_user(self.user_support).with_context(lang="el_GR").action_verify_signature()
        self.assertIn("SHA-256", action["params"]["message"])
        self.assertNotIn("matches the SHA-256", action["params"]["message"], "translated")

    def test_verify_an_unsigned_form(self):
        form = self._create_a1(request=self.other_request)
        with self.assertRaises(UserError):
            form.with_user(self.user_support).action_verify_signature()
        self.assertEqual(form._check_signature_integrity(), {form.id: False})
        with self.assertRaises(UserError):  # a customer may not even read it
            self.signed.with_user(self.user_other_customer)._check_signature_integrity()

    def test_print_gives_the_signed_document(self):
        action = self.signed.with_user(self.user_accountant).action_print()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertIn(f"/web/content/{self.signed_pdf.id}", action["url"])
        filed = self._create_a1(request=self.other_request)
        self.assertNotEqual(filed.action_print()["type"], "ir.actions.act_url", "not signed: the report is rendered")


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
        wizard = (
            self.env["support.a1.scan"]
            .with_user(user or self.user_support)
            .create(
                {
                    "a1_form_id": form.id,
                    "scan": base64.b64encode(b"%PDF-1.4 scanned page"),
                    "scan_filename": "a1.pdf",
                    "signed_by": "Γιώργος Παπαδόπουλος",
                    "accepted_recommendation_ids": [Command.set(accepted.ids)],
                }
            )
        )
        self.assertTrue(wizard.has_recommendations)
        return wizard.action_confirm()

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


@tagged("post_install", "-at_install")
class TestA1EvidenceXmlRpc(A1EvidenceMixin, SupportHttpCommon):
    """The guards hold over the external API, as each role calls it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_signed_and_invoiced()

    def _call(self, user, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs)

    def test_signed_form_and_its_document_over_xmlrpc(self):
        attempts = [
            (self.user_manager, "support.a1.form", "write", [self.signed.id], {"note": "<p>άλλο</p>"}),
            (self.user_support, "support.a1.form", "write", [self.signed.id], {"state": "draft"}),
            (self.user_manager, "support.a1.form", "unlink", [self.signed.id]),
            (
                self.user_support,
                "ir.attachment",
                "write",
                [self.signed_pdf.id],
                {"datas": base64.b64encode(b"%PDF-1.4 forged").decode()},
            ),
            (self.user_manager, "ir.attachment", "unlink", [self.signed_pdf.id]),
            (self.user_manager, "ir.attachment", "unlink", [self.signature_attachment.id]),
            (self.user_firm_accountant, "account.move", "write", [self.invoice.id], {"a1_form_id": False}),
        ]
        for user, model, method, *args in attempts:
            with self.subTest(user=user.login, model=model, method=method):
                with self.assertRaises(Fault), mute_logger("odoo.http", "odoo.service.model"):
                    self._call(user, model, method, *args, context=CONTEXT_KEYS)
        self.env.invalidate_all()
        self.assertEqual(self.signed.state, "signed")
        self.assertTrue(self.signed._check_signature_integrity()[self.signed.id])
        self.assertEqual(self.invoice.a1_form_id, self.invoiced)

        for user in (self.user_support, self.user_accountant):
            with self.subTest(user=user.login):
                action = self._call(user, "support.a1.form", "action_verify_signature", [self.signed.id])
                self.assertEqual(action["tag"], "display_notification")
                self.assertEqual(action["params"]["type"], "success")

    def test_scan_wizard_over_xmlrpc(self):
        form = self._create_a1(recommendation_ids=[Command.create(rec) for rec in RECOMMENDATIONS])
        software, hardware, other, hosting = form.recommendation_ids
        wizard_id = self._call(
            self.user_support,
            "support.a1.scan",
            "create",
            {
                "a1_form_id": form.id,
                "scan": base64.b64encode(b"%PDF-1.4 scanned page").decode(),
                "signed_by": "Γιώργος Παπαδόπουλος",
                "accepted_recommendation_ids": [(6, 0, (software | hosting).ids)],
            },
        )
        self._call(self.user_support, "support.a1.scan", "action_confirm", [wizard_id])
        self.assertEqual(form.state, "signed")
        self.assertEqual(form.production_order_ids.recommendation_id, software | hosting)
