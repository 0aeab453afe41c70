import base64
import io
import re

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.http import Request
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .. import input_bounds
from .a1_common import A1FormMixin
from .common import SupportHttpCommon

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LOG = "2026-03-10 09:12:01 ERROR myDATA: η διαβίβαση απέτυχε (timeout)\n".encode()
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 20 + b"PK\x05\x06" + b"\x00" * 18


@tagged("post_install", "-at_install")
class TestAttachments(A1FormMixin, SupportHttpCommon):
    """Files where people expect them: the customer's files in the request's conversation,
    the technician's photos on the A1 Form; only the parties see them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()
        # A technician of another firm, with a meeting of their own.
        cls.firm2, cls.technician2, cls.request2 = cls._setup_second_firm(
            "Ψηφιακές Λύσεις Κρήτης Ι.Κ.Ε.", "Μανώλης Σταυρακάκης", "cs_technician2"
        )
        cls.user_technician2 = cls.technician2.user_ids

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _upload(self, record, name, data, token=None):
        """The chatter's attach button: /mail/attachment/upload as the portal composer sends it."""
        values = {
            "csrf_token": Request.csrf_token(self),
            "thread_model": record._name,
            "thread_id": str(record.id),
            "is_pending": "true",
            "temporary_id": "-1",
        }
        if token:
            values["token"] = token
        return self.url_open(
            "/mail/attachment/upload",
            data=values,
            files={"ufile": (name, io.BytesIO(data), "application/octet-stream")},
        )

    def _uploaded(self, response):
        self.assertEqual(response.status_code, 200, response.text[:500])
        answer = response.json()
        self.assertNotIn("error", answer, answer)
        attachment = self.env["ir.attachment"].browse(answer["data"]["attachment_id"])
        store = answer["data"]["store_data"]["ir.attachment"]
        token = next(a["ownership_token"] for a in store if a["id"] == attachment.id)
        return attachment, token

    def _post(self, record, body, attachment=None, token=None, ownership_token=None):
        post_data = {"body": body, "message_type": "comment", "subtype_xmlid": "mail.mt_comment"}
        if attachment:
            post_data.update(attachment_ids=[attachment.id], attachment_tokens=[ownership_token])
        params = {"thread_model": record._name, "thread_id": record.id, "post_data": post_data}
        if token:
            params["token"] = token
        return self.make_jsonrpc_request("/mail/message/post", params)

    def _chatter_files(self, record, token=None):
        """{attachment id: its values} of the messages the portal's conversation shows."""
        params = {"thread_model": record._name, "thread_id": record.id}
        if token:
            params["token"] = token
        result = self.make_jsonrpc_request("/mail/chatter_fetch", params)
        return {a["id"]: a for message in result["data"]["mail.message"] for a in message["attachment_ids"]}

    def _stored(self, name):
        return self.env["ir.attachment"].sudo().search([("name", "=", name)])

    def _a1_upload(self, form, *files):
        return self.url_open(
            f"/my/a1/{form.id}/files",
            data={"csrf_token": Request.csrf_token(self)},
            files=[("files", (name, io.BytesIO(data), "application/octet-stream")) for name, data in files],
        )

    # ------------------------------------------------------------------
    # The customer's files in the request's conversation
    # ------------------------------------------------------------------

    def test_customer_attaches_files_to_own_request(self):
        page = self._open_page("cs_customer", f"/my/support/{self.request.id}")
        self.assertIn("o_portal_chatter", page.text)
        self.assertIn('data-allow_composer="1"', page.text)

        for name, data, mimetype in (
            ("screenshot.png", PNG, "image/png"),
            ("mydata.log", LOG, "text/plain"),
            ("error.pdf", PDF, "application/pdf"),
        ):
            attachment, ownership = self._uploaded(self._upload(self.request, name, data))
            result = self._post(self.request, f"<p>Δείτε το {name}</p>", attachment, ownership_token=ownership)
            message = self.env["mail.message"].browse(result["message_id"])
            self.assertEqual(message.author_id, self.customer_contact)
            self.assertEqual(message.attachment_ids, attachment)
            self.assertEqual((attachment.res_model, attachment.res_id), ("support.request", self.request.id))
            self.assertEqual(attachment.mimetype, mimetype)

        files = self.env["ir.attachment"].search(
            [("res_model", "=", "support.request"), ("res_id", "=", self.request.id)]
        )
        self.assertEqual(len(files), 3)
        # The assigned technician and the vendor's staff read them; the customer too.
        # The vendor's staff read them in the backend.
        self.assertEqual(len(files.with_user(self.user_support).read(["name"])), 3)
        # The customer, the assigned technician and the firm's manager in the portal's
        # conversation, and open each file through the link it gives them.
        for login in ("cs_customer", "cs_technician", "cs_firm_manager"):
            self.authenticate(login, login)
            shown = self._chatter_files(self.request)
            self.assertEqual(set(shown), set(files.ids), login)
            for attachment in files:
                response = self.url_open(
                    f"/web/content/{attachment.id}?access_token={shown[attachment.id]['raw_access_token']}"
                )
                self.assertEqual(response.status_code, 200, login)
                self.assertEqual(response.content, attachment.raw, login)
        page = self.url_open(f"/my/partner/requests/{self.request.id}")
        self.assertIn("o_portal_chatter", page.text, "the technician sees the request's conversation")

    @mute_logger("odoo.http")
    def test_customer_cannot_attach_to_another_request(self):
        self.authenticate("cs_customer", "cs_customer")
        response = self._upload(self.other_request, "intruder.png", PNG)
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self._stored("intruder.png"), "nothing stored")
        # nor with a wrong token, before a link was shared and after
        for _shared in (False, True):
            response = self._upload(self.other_request, "intruder.png", PNG, token="x" * 36)
            self.assertEqual(response.status_code, 404)
            self.assertFalse(self._stored("intruder.png"))
            self.other_request._portal_ensure_token()
        messages = self.other_request.message_ids
        with self.assertRaises(JsonRpcException):
            self._post(self.other_request, "<p>Γεια</p>")
        with self.assertRaises(JsonRpcException):
            self._post(self.other_request, "<p>Γεια</p>", token="x" * 36)
        self.assertEqual(self.other_request.message_ids, messages, "nothing posted on another's request")
        self.assertFalse(self.other_request.message_ids.filtered(lambda m: m.author_id == self.customer_contact))

    def test_wrong_token_on_records_never_shared_is_no_access(self):
        """A token given for a record whose link was never shared is a wrong token (no
        access), for each of the addon's documents with a portal conversation."""
        draft_form = self._create_a1(request=self.request2, file=False)
        contract = self._create_contract(partner=self.other_customer)
        for record in (draft_form, contract):
            with self.subTest(model=record._name):
                self.assertFalse(record.access_token, "never shared")
                messages = record.message_ids
                for login in (None, "cs_customer"):
                    self.authenticate(login, login)
                    self.assertEqual(self._upload(record, "anon.png", PNG, token="x" * 36).status_code, 404)
                    with self.assertRaisesRegex(JsonRpcException, "NotFound"):
                        self._post(record, "<p>Γεια</p>", token="x" * 36)
                    with self.assertRaisesRegex(JsonRpcException, "NotFound"):
                        self._chatter_files(record, token="x" * 36)
                self.assertEqual(record.message_ids, messages, "nothing posted")
                self.assertFalse(self._stored("anon.png"))

    def test_token_holder_attaches_with_the_right_token_only(self):
        token = self.request._portal_ensure_token()
        self.authenticate(None, None)
        self.assertEqual(self._upload(self.request, "anon.png", PNG, token="x" * len(token)).status_code, 404)
        self.assertFalse(self._stored("anon.png"))
        attachment, _ownership = self._uploaded(self._upload(self.request, "anon.png", PNG, token=token))
        self.assertTrue(attachment)

    def test_upload_limits_are_enforced_with_a_clear_message(self):
        self.authenticate("cs_customer", "cs_customer")
        big = PNG + b"\x00" * input_bounds.MAX_UPLOAD_SIZE
        cases = (
            ("big.png", big, "larger than 10 MB"),
            ("page.png", HTML, "not a file type accepted here"),
            ("logo.png", SVG, "not a file type accepted here"),
            ("logs.png", ZIP, "not a file type accepted here"),
            ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200, "not a file type accepted here"),
            ("empty.txt", b"", "is empty"),
        )
        for name, data, message in cases:
            response = self._upload(self.request, name, data)
            self.assertFalse(self._stored(name), f"{name} is not stored")
            if response.status_code == 413:  # Odoo's HTTP layer refuses a body over 10 MB itself
                self.assertEqual(name, "big.png")
                continue
            self.assertEqual(response.status_code, 200)
            self.assertIn(message, response.json()["error"], name)
            self.assertIn(name, response.json()["error"])
        # Just under the limit: accepted.
        self._uploaded(self._upload(self.request, "big.png", PNG + b"\x00" * (9 * 1024 * 1024)))

    def test_posting_a_file_uploaded_elsewhere_is_checked_again(self):
        """A file uploaded through another thread and posted on the request is refused too."""
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.user_customer)
            .sudo()
            .create({"name": "page.png", "raw": HTML, "res_model": "mail.compose.message", "res_id": 0})
        )
        with self.assertRaisesRegex(UserError, "not a file type accepted here"):
            attachment.with_user(self.user_customer).sudo().write(
                {"res_model": "support.request", "res_id": self.request.id}
            )
        with self.assertRaisesRegex(UserError, "not a file type accepted here"):
            self.request.with_user(self.user_customer).sudo().message_post(body="x", attachments=[("page.png", HTML)])
        # Staff are not limited by the portal's rules.
        self.request.with_user(self.user_support).message_post(body="x", attachments=[("page.html", HTML)])

    # ------------------------------------------------------------------
    # Who reads the files
    # ------------------------------------------------------------------

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_attachment")
    def test_files_by_id_denied_to_other_parties(self):
        attachment = self.env["ir.attachment"].create(
            {"name": "screenshot.png", "raw": PNG, "res_model": "support.request", "res_id": self.request.id}
        )
        for login in ("cs_other_customer", "cs_technician2"):
            self.authenticate(login, login)
            response = self.url_open(f"/web/content/{attachment.id}")
            self.assertEqual(response.status_code, 404, login)
            self.assertNotIn(PNG, response.content)
            self.assertNotIn(PNG, self.url_open(f"/web/image/{attachment.id}").content, login)  # a placeholder
            # nor through the conversation of the request
            with self.assertRaises(JsonRpcException):
                self._chatter_files(self.request)
        self.assertFalse(attachment.with_user(self.user_other_customer).has_access("read"))
        self.assertFalse(attachment.with_user(self.user_technician2).has_access("read"))

    # ------------------------------------------------------------------
    # The technician's photos and files on the A1 Form
    # ------------------------------------------------------------------

    def test_technician_attaches_photos_to_own_a1_form(self):
        form = self._create_a1()
        self.authenticate("cs_technician", "cs_technician")
        page = self.url_open(f"/my/a1/{form.id}")
        self.assertIn("o_a1_files_form", page.text)
        response = self._a1_upload(form, ("server-room.png", PNG), ("invoice-error.pdf", PDF))
        self.assertEqual(response.status_code, 200)
        self.assertIn("The files are attached to the A1 Form.", response.text)
        self.assertEqual(sorted(form.file_ids.mapped("name")), ["invoice-error.pdf", "server-room.png"])
        self.assertEqual(set(form.file_ids.mapped("res_model")), {"support.a1.form"})
        self.assertEqual(set(form.file_ids.mapped("res_id")), {form.id})
        self.assertEqual(sorted(form.file_ids.mapped("mimetype")), ["application/pdf", "image/png"])
        # The customer sees them on the A1 page, as evidence of the meeting, and opens them.
        self.authenticate("cs_customer", "cs_customer")
        page = self.url_open(f"/my/a1/{form.id}").text
        photo = form.file_ids.filtered(lambda a: a.name == "server-room.png")
        self.assertIn(f"/web/image/{photo.id}/160x160", page)
        self.assertNotIn("o_a1_files_form", page, "only the technician attaches")
        link = re.search(rf'href="(/web/content/{photo.id}\?access_token=[^"]+)"', page).group(1)
        self.assertEqual(self.url_open(link).content, PNG)
        # Another customer does not, not even with the link.
        self.authenticate("cs_other_customer", "cs_other_customer")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/web/content/{photo.id}").status_code, 404)
            self.assertEqual(self.url_open(f"/my/a1/{form.id}").status_code, 200)
            self.assertNotIn(f"/web/image/{photo.id}", self.url_open(f"/my/a1/{form.id}").text)

    def test_a1_files_errors_are_shown_on_the_page(self):
        form = self._create_a1()
        self.authenticate("cs_technician", "cs_technician")
        response = self._a1_upload(form, ("photo.png", SVG), ("notes.txt", LOG))
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_a1_file_errors", response.text)
        self.assertIn("photo.png is not a file type accepted here; accepted: PNG, JPEG, GIF, WEBP, PDF.", response.text)
        self.assertIn("notes.txt is not a file type", response.text)
        self.assertFalse(form.file_ids)
        self.assertFalse(self._stored("photo.png"))
        # The count: 20 in all.
        response = self._a1_upload(form, *[(f"p{i}.png", PNG) for i in range(input_bounds.MAX_UPLOADS + 1)])
        self.assertIn("Attach 10 files at most at once.", response.text)
        self.assertFalse(form.file_ids)
        form.sudo().file_ids = [
            Command.create({"name": f"f{i}.png", "raw": PNG, "res_model": form._name, "res_id": form.id})
            for i in range(input_bounds.MAX_A1_FILES - 1)
        ]
        response = self._a1_upload(form, ("one.png", PNG), ("two.png", PNG))
        self.assertIn("1 more can be attached", response.text)
        self.assertEqual(len(form.file_ids), input_bounds.MAX_A1_FILES - 1)

    @mute_logger("odoo.http")
    def test_a1_files_only_by_its_technician_before_signing(self):
        form = self._create_a1()
        with freeze_time("2026-03-12 12:00"):
            form2 = self._create_a1(request=self.request2)
        # A technician of another firm: not found, nothing stored.
        self.authenticate("cs_technician2", "cs_technician2")
        self.assertEqual(self._a1_upload(form, ("x.png", PNG)).status_code, 404)
        # The customer may read the form but does not attach in the diary.
        self.authenticate("cs_customer", "cs_customer")
        self.assertEqual(self._a1_upload(form, ("x.png", PNG)).status_code, 404)
        # The technician, on another firm's form: not found.
        self.authenticate("cs_technician", "cs_technician")
        self.assertEqual(self._a1_upload(form2, ("x.png", PNG)).status_code, 404)
        self.assertFalse(self._stored("x.png"))
        # Signed: no more files, and none removed.
        self.assertEqual(self._a1_upload(form, ("before.png", PNG)).status_code, 200)
        before = form.file_ids
        form._sign("Γιώργος Παπαδόπουλος", "portal", signature=base64.b64encode(PNG))
        response = self._a1_upload(form, ("after.png", PNG))
        self.assertIn("only until the customer signs", response.text)
        self.assertNotIn("o_a1_files_form", response.text)
        self.assertFalse(self._stored("after.png"))
        self.assertEqual(form.file_ids, before)
        with self.assertRaises(UserError):
            before.unlink()
        with self.assertRaises(UserError):
            form.file_ids = [Command.clear()]

    def test_a1_file_count_is_a_model_constraint(self):
        form = self._create_a1()
        with self.assertRaisesRegex(UserError, "20 photos and files at most"):
            form.file_ids = [
                Command.create({"name": f"f{i}.png", "raw": PNG, "res_model": form._name, "res_id": form.id})
                for i in range(input_bounds.MAX_A1_FILES + 1)
            ]
            form.flush_recordset()

    # ------------------------------------------------------------------
    # In the browser
    # ------------------------------------------------------------------

    def test_customer_attaches_a_screenshot_in_the_browser(self):
        self.start_tour(f"/my/support/{self.request.id}", "support_request_attachment_tour", login="cs_customer")
        message = self.request.message_ids.filtered(lambda m: m.author_id == self.customer_contact)
        self.assertEqual(len(message), 1)
        self.assertIn("myDATA", message.body)
        self.assertEqual(message.attachment_ids.mapped("name"), ["mydata-error.png"])
        self.assertEqual(message.attachment_ids.raw[:8], b"\x89PNG\r\n\x1a\n")
        self.assertFalse(self._stored("page.png"))
