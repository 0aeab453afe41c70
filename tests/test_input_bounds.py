"""The bounds of typed values hold on the models too (web client, RPC): what PostgreSQL
cannot store is refused before it is sent, numbers and dates stay within the bounds of
``input_bounds``, whoever writes them."""

import base64
from datetime import datetime, timedelta

import pytz
from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.certified_support import input_bounds
from odoo.addons.certified_support.input_bounds import (
    MAX_AMOUNT,
    MAX_LINE_HOURS,
    InputError,
    parse_date,
    parse_datetime_local,
    parse_float,
    parse_id,
    parse_id_list,
    parse_image,
    parse_text,
)

from .common import SupportCommon
from .production_common import ProductionOrderMixin

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240
NON_FINITE = (float("nan"), float("inf"), float("-inf"), 1e308, 2**63)
UNSTORABLE_TEXTS = ("a\x00b", "\ud800")


@tagged("post_install", "-at_install")
class TestInputParsers(SupportCommon):
    """The parsers used by every route: the clean value, or a translated InputError."""

    def assertRefused(self, parser, *args, **kwargs):
        with self.assertRaises(InputError) as caught:
            parser(self.env, *args, **kwargs)
        self.assertTrue(caught.exception.message)
        return caught.exception

    def test_text(self):
        self.assertEqual(parse_text(self.env, "  Καλημέρα  ", "Τίτλος", max_length=10), "Καλημέρα")
        self.assertEqual(parse_text(self.env, "α\r\nβ\tγ", "Κείμενο", max_length=10, multiline=True), "α\nβ\tγ")
        self.assertEqual(parse_text(self.env, None, "Κείμενο", max_length=10), "")
        for value in ("a\x00b", "a\x07b", "a\x1bb", "\ud800", "a\x85b", "a\nb"):
            with self.subTest(value=value):
                error = self.assertRefused(parse_text, value, "Τίτλος", max_length=100)
                self.assertEqual(error.code, "invalid_characters")
        self.assertEqual(self.assertRefused(parse_text, " \t\n ", "T", max_length=10, required=True).code, "required")
        self.assertEqual(self.assertRefused(parse_text, "x" * 11, "T", max_length=10).code, "too_long")
        for value in (5, ["a"], {"a": 1}, True):
            with self.subTest(value=value):
                self.assertEqual(self.assertRefused(parse_text, value, "T", max_length=10).code, "invalid_type")

    def test_float(self):
        bounds = {"minimum": 0, "maximum": MAX_LINE_HOURS, "min_exclusive": True}
        self.assertEqual(parse_float(self.env, "1,75", "Ώρες", **bounds), 1.75)
        self.assertEqual(parse_float(self.env, 2, "Ώρες", **bounds), 2.0)
        self.assertIsNone(parse_float(self.env, "", "Ώρες", required=False, **bounds))
        for value in (
            "nan",
            "NaN",
            "inf",
            "-inf",
            "Infinity",
            "1e308",
            "1e3",
            str(2**63),
            "0",
            "-1",
            "0x10",
            "1_000",
            "١٢",
            "²",
            "1,2,3",
            float("nan"),
            float("inf"),
            1e308,
            2**63,
            True,
            [1],
            None,
        ):
            with self.subTest(value=value):
                self.assertRefused(parse_float, value, "Ώρες", **bounds)

    def test_ids(self):
        self.assertEqual(parse_id(self.env, "42", "Id"), 42)
        self.assertEqual(parse_id(self.env, 42, "Id"), 42)
        for value in ("", "abc", "²", "٤٢", "-1", "0", "1.5", str(2**31), 2**63, True, 1.0, [1], None):
            with self.subTest(value=value):
                self.assertRefused(parse_id, value, "Id")
        self.assertEqual(parse_id_list(self.env, [3, "4", 3], "Ids"), [3, 4])
        self.assertEqual(parse_id_list(self.env, None, "Ids"), [])
        for value in (5, "12", {"a": 1}, [1, "x"], [[1]], [None], list(range(1, 100))):
            with self.subTest(value=value):
                self.assertRefused(parse_id_list, value, "Ids")

    def test_dates(self):
        today = fields.Date.today()
        self.assertEqual(parse_date(self.env, "2026-06-30", "Ημέρα"), fields.Date.to_date("2026-06-30"))
        for value in ("0001-01-01", "9999-12-31", "2026-02-30", "30/06/2026", "2026-6-3", 20260630, ["2026-06-30"]):
            with self.subTest(value=value):
                self.assertRefused(parse_date, value, "Ημέρα")
        self.assertRefused(parse_date, fields.Date.to_string(today - timedelta(days=1)), "Ημέρα", minimum=today)
        athens = pytz.timezone("Europe/Athens")
        self.assertEqual(
            parse_datetime_local(self.env, "2026-03-12T10:00", "Έναρξη", tz=athens), datetime(2026, 3, 12, 8, 0)
        )
        for value in ("0001-01-01T00:00", "9999-12-31T23:59", "2026-03-12", "2026-13-12T10:00", "x", 5, None):
            with self.subTest(value=value):
                self.assertRefused(parse_datetime_local, value, "Έναρξη", tz=athens)

    def test_signature_image(self):
        self.assertEqual(parse_image(self.env, PNG, "Υπογραφή"), PNG.encode())
        self.assertEqual(parse_image(self.env, f"data:image/png;base64,{PNG}", "Υπογραφή"), PNG.encode())
        for value in (
            base64.b64encode(SVG).decode(),
            base64.b64encode(b"GIF89a" + b"\x00" * 20).decode(),
            base64.b64encode(b"\x89PNG\r\n\x1a\n broken").decode(),
            "not base64!",
            5,
            ["x"],
            "A" * (input_bounds.MAX_SIGNATURE_SIZE * 2),
        ):
            with self.subTest(value=str(value)[:20]):
                self.assertRefused(parse_image, value, "Υπογραφή")


@tagged("post_install", "-at_install")
class TestModelBounds(ProductionOrderMixin, SupportCommon):
    """The same bounds on the models, for the web client and RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_a1_data()

    def assertRefused(self, exception, function):
        """``function`` fails with ``exception``, and what it wrote is rolled back."""
        with self.assertRaises(exception), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            function()
            self.env.flush_all()

    def assertCheckViolation(self, function):
        self.assertRefused(IntegrityError, function)

    def _draft_signed_and_order(self):
        """A draft A1 Form, a signed one of the other request and the production order its
        accepted software recommendation opened."""
        form = self._create_a1(file=False)
        signed = self._create_signed_a1(request=self.other_request)
        return form, signed, self.env["support.production.order"].search([], limit=1)

    def test_text_that_postgresql_cannot_store_is_refused(self):
        form = self._create_a1(file=False)
        writes = {
            "request description": lambda text: self.request.write({"description": text}),
            "new request": lambda text: self.env["support.request"].create(
                {"partner_id": self.customer.id, "fault_id": self.fault.id, "description": text}
            ),
            "recommendation": lambda text: form.recommendation_ids[0].write({"name": text}),
            "fault": lambda text: self.fault.write({"name": text}),
            "fault line": lambda text: self.fault.line_ids.write({"name": text}),
            "A1 Form signer": lambda text: form.write({"signed_by": text}),
        }
        for text in UNSTORABLE_TEXTS:
            for what, write in writes.items():
                with self.subTest(what=what, text=repr(text)):
                    self.assertRefused(ValidationError, lambda write=write, text=text: write(text))

    def test_text_lengths(self):
        with self.assertRaisesRegex(ValidationError, "too long"):
            self.request.write({"description": "x" * (input_bounds.DESCRIPTION_MAX_LENGTH + 1)})
        self.request.write({"description": "x" * input_bounds.DESCRIPTION_MAX_LENGTH})

    def test_numbers_must_be_finite(self):
        extra = self.env["support.request.extra"].create(
            {"request_id": self.request.id, "product_id": self.product_remote.id, "quantity": 1}
        )
        for value in NON_FINITE:
            with self.subTest(value=value):
                self.assertRefused(ValidationError, lambda value=value: self.fault.line_ids.write({"quantity": value}))
                self.assertRefused(ValidationError, lambda value=value: extra.write({"price_unit": value}))
                self.assertRefused(
                    ValidationError,
                    lambda value=value: self.env["support.request.extra"].create(
                        {"request_id": self.request.id, "product_id": self.product_remote.id, "quantity": value}
                    ),
                )

    def test_hours_and_amounts_are_bounded(self):
        form, signed, order = self._draft_signed_and_order()
        cases = {
            "fault line hours": lambda: self.fault.line_ids.write({"quantity": MAX_LINE_HOURS + 1}),
            "fault line zero hours": lambda: self.fault.line_ids.write({"quantity": 0}),
            "fault line price": lambda: self.fault.line_ids.write({"price_unit": MAX_AMOUNT + 1}),
            "extra hours": lambda: self.env["support.request.extra"].create(
                {"request_id": self.request.id, "product_id": self.product_remote.id, "quantity": MAX_LINE_HOURS + 1}
            ),
            # (more hours than accepted are refused by the A1 line's own constraint first)
            "A1 line hours": lambda: self.env.cr.execute(
                "UPDATE support_a1_form_line SET quantity = %s WHERE id = %s", [MAX_LINE_HOURS + 1, form.line_ids[0].id]
            ),
            "recommendation cost": lambda: form.recommendation_ids[0].write({"estimated_cost": MAX_AMOUNT + 1}),
            "order amount": lambda: order.write({"amount": MAX_AMOUNT + 1}),
            # (the firm's invoice is recorded on a signed form waiting for it, with its number)
            "firm invoice amount": lambda: signed.write(
                {
                    "external_invoice_ref": "ΤΠΥ 17",
                    "external_invoice_mark": "400001234567890",
                    "external_invoice_amount": MAX_AMOUNT + 1,
                }
            ),
        }
        for what, function in cases.items():
            with self.subTest(what=what):
                self.assertCheckViolation(function)
        self.fault.line_ids.write({"quantity": MAX_LINE_HOURS, "price_unit": MAX_AMOUNT})
        self.env.flush_all()

    def test_dates_stay_in_a_sane_window(self):
        form, signed, order = self._draft_signed_and_order()
        cases = {
            "A1 start in year 1": lambda: form.write({"date_start": "0001-01-01 00:00:00"}),
            "A1 end in year 9999": lambda: form.write({"date_end": "9999-12-31 23:00:00"}),
            "A1 meeting of 25 hours": lambda: form.write({"date_end": "2026-03-13 09:00:00"}),
            "desired date": lambda: self.request.write({"desired_date_to": "9999-12-31"}),
            "wished deadline": lambda: order.write({"deadline_wish": "0001-01-01"}),
            "firm invoice date": lambda: signed.write(
                {
                    "external_invoice_ref": "ΤΠΥ 17",
                    "external_invoice_mark": "400001234567890",
                    "external_invoice_date": "9999-01-01",
                }
            ),
            "signed on": lambda: form.write({"signed_on": "1900-01-01 00:00:00"}),
        }
        for what, function in cases.items():
            with self.subTest(what=what):
                self.assertRefused(ValidationError, function)
        form.write({"date_end": "2026-03-13 08:00:00"})  # 24 hours: the longest meeting

    def test_signature_must_be_png_or_jpeg(self):
        form = self._create_a1()
        with self.assertRaises(ValidationError):
            form.write({"signature": base64.b64encode(SVG)})
        form.write({"signature": PNG})

    def test_scan_is_checked_by_content(self):
        form = self._create_a1()
        Scan = self.env["support.a1.scan"].with_user(self.user_support)
        for name, content in (
            ("a1.pdf", EXE),
            ("a1.pdf", SVG),
            ("a1.pdf", b""),
            ("a1.pdf", b"%PDF-1.4" + b"x" * input_bounds.MAX_UPLOAD_SIZE),
        ):
            with self.subTest(name=name, content=content[:8]), self.assertRaises(UserError):
                Scan.create(
                    {
                        "a1_form_id": form.id,
                        "scan": base64.b64encode(content) or b"AA==",
                        "scan_filename": name,
                        "signed_by": "Γιώργος Παπαδόπουλος",
                    }
                ).action_confirm()
        scan = {"a1_form_id": form.id, "scan": base64.b64encode(b"%PDF-1.4 page"), "scan_filename": "a1.pdf"}
        for values in (
            {"signed_by": "   "},
            {"signed_by": "Γιώργος\x07"},
            {"signed_by": "Γιώργος", "signed_on": fields.Datetime.now() + timedelta(days=2)},
            {"signed_by": "Γιώργος", "signed_on": "2026-03-01 08:00:00"},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                Scan.create({**scan, **values}).action_confirm()
        self.assertEqual(form.state, "filed")
        Scan.create({**scan, "signed_by": " Γιώργος Παπαδόπουλος "}).action_confirm()
        self.assertEqual((form.state, form.signed_by), ("signed", "Γιώργος Παπαδόπουλος"))

    def test_phone_wizard_refuses_what_cannot_be_stored(self):
        Wizard = self.env["support.phone.request"].with_user(self.user_support)
        with self.assertRaises(ValidationError):
            Wizard.create({"search_term": "210\x00", "description": "x"})
        with self.assertRaises(ValidationError):
            Wizard.create({"description": "Δεν ανοίγει\x00"})
        # typed in the form, before it is saved: nothing is found, nothing fails
        wizard = Form(Wizard)
        wizard.search_term = "Παπα\x00δόπουλοι"
        self.assertFalse(wizard.customer_ids)
        wizard = Wizard.create(
            {
                "search_term": self.customer.name,
                "fault_id": self.fault.id,
                "accepted_by_id": self.customer_contact.id,
                "accepted_on": fields.Datetime.now() - timedelta(days=input_bounds.PHONE_ACCEPTANCE_MAX_DAYS + 1),
            }
        )
        with self.assertRaisesRegex(UserError, "within"):
            wizard.action_register()

    def test_schedule_wizard_bounds(self):
        Schedule = self.env["support.request.schedule"].with_context(default_request_id=self.request.id)
        for values in ({"start": "9999-01-01 08:00:00"}, {"start": "2026-03-20 08:00:00", "duration": 30}):
            with self.subTest(values=values):
                self.assertRefused(
                    UserError,
                    lambda values=values: Schedule.create(
                        {"technician_id": self.technician.id, **values}
                    ).action_confirm(),
                )
        self.assertEqual(str(self.request.meeting_start), "2026-03-12 08:00:00")

    def test_extra_action_is_proposed_once(self):
        Extra = self.env["support.request.extra"]
        values = {"request_id": self.request.id, "product_id": self.product_remote.id, "quantity": 2}
        first = Extra.create(values)
        self.assertCheckViolation(lambda: Extra.create(values))
        Extra.create({**values, "quantity": 1})  # another proposal
        first._refuse()
        self.env.flush_all()
        Extra.create(values)  # proposed again once refused

    def test_models_keep_valid_values(self):
        form = self._create_a1(
            file=False,
            recommendation_ids=[
                Command.create({"name": "Νέος διακομιστής", "kind": "hardware", "estimated_cost": MAX_AMOUNT})
            ],
        )
        self.assertEqual(form.recommendation_ids.estimated_cost, MAX_AMOUNT)
        self.request.write({"description": "Γραμμή 1\nΓραμμή 2\tμε tab"})
        self.env.flush_all()
