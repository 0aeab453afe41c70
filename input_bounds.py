"""What users may type, and the parsers that hold them to it.

One place for every bound on user input. The portal's routes, the JSON routes and the
wizards parse what they receive with the functions below, which raise an ``InputError``
carrying a translated message (shown on the form, with the typed values kept, or answered
as a 400 / JSON error object). The models check the same constants: SQL ``CHECK``
constraints for numbers, ``@api.constrains`` for dates and durations, and the
``support.input.guard`` mixin for what PostgreSQL cannot store at all (NUL characters,
NaN and infinite numbers), so that the backend and RPC are bounded too.
"""

# `_` is bound to `env._` at the start of each function that translates (the checker sees only the name):
# pylint: disable=prefer-env-translation

import base64
import binascii
import io
import math
import re
import unicodedata
from datetime import date, datetime, timedelta

import pytz
from dateutil.relativedelta import relativedelta
from PIL import Image

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.misc import format_date

# ---------------------------------------------------------------------------
# The bounds
# ---------------------------------------------------------------------------

# Text (characters, after stripping the spaces around)
NAME_MAX_LENGTH = 200  # one line: a title, who signed, a file name
INVOICE_REF_MAX_LENGTH = 64  # the number of a firm's invoice
MYDATA_MARK_LENGTH = 15  # the MARK AADE's myDATA gives an invoice: 15 digits
SEARCH_MAX_LENGTH = 64  # a phone number, a VAT number or a name looked up
DESCRIPTION_MAX_LENGTH = 5000  # the customer's description of a request
RECOMMENDATION_MAX_LENGTH = 2000  # one recommendation of an A1 Form
LONG_TEXT_MAX_LENGTH = 10000  # a production order's specification texts, the A1 Form's notes

# Numbers
MAX_LINE_HOURS = 100  # hours of one service line: catalogue action, extra action, A1 Form service
MAX_AMOUNT = 1_000_000  # one price, cost or invoice amount (in the company's currency, EUR)
MAX_MEETING_HOURS = 24  # an A1 Form's meeting, from its start to its end
MAX_STORABLE_NUMBER = 1e15  # beyond it Odoo cannot round a float to cents (any model, any client)

# Dates
DATE_MIN = date(2000, 1, 1)  # no record of the support business is older
MAX_YEARS_AHEAD = 5  # no date of a record is later than today + 5 years
REQUEST_MAX_DAYS_AHEAD = 366  # the days a customer is available: within the next year
PHONE_ACCEPTANCE_MAX_DAYS = 31  # a cost accepted on the phone is registered within a month
MEETING_FUTURE_HOURS = 24  # an A1 Form is filed after its meeting (a day of leeway for clocks)
MEETING_WINDOW_DAYS = 31  # ... held at most a month before the meeting scheduled

# Ids, lists and files
MAX_ID = 2**31 - 1  # PostgreSQL's integer
MAX_LIST_ITEMS = 50  # ids in one JSON list, rows of one portal form
MAX_UPLOAD_SIZE = 10 * 1024 * 1024  # one file attached in the portal or a scan: 10 MiB
MAX_UPLOADS = 10  # files attached at once
MAX_SIGNATURE_SIZE = 1024 * 1024  # a drawn signature: 1 MiB
SIGNATURE_MIMETYPES = ("image/png", "image/jpeg")
SCAN_MIMETYPES = ("application/pdf",)
UPLOAD_MIMETYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "text/csv",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
)
UPLOAD_EXTENSIONS = "PDF, PNG, JPEG, GIF, WEBP, TXT, CSV, DOC(X), XLS(X), PPT(X), ODT, ODS, ODP"
# Files a customer attaches to a conversation (request, A1 Form): screenshots, logs, PDFs.
# Checked by content: no SVG or HTML (they run scripts in the browser), no archives, no
# programs, no office documents with macros; a log that looks like source code is refused
# too (libmagic calls it text/x-c...): it can be sent as a .txt of plain text or a PDF.
CHATTER_MIMETYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain")
CHATTER_EXTENSIONS = "PNG, JPEG, GIF, WEBP, PDF, TXT/LOG"
# Photos and files a technician attaches to an A1 Form in the Technical Diary (evidence).
A1_FILE_MIMETYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf")
A1_FILE_EXTENSIONS = "PNG, JPEG, GIF, WEBP, PDF"
MAX_A1_FILES = 20  # files attached to one A1 Form in the Technical Diary, in all
# The files our portal users may attach to a conversation (its chatter) of one of our records,
# by model, and how the error message names them; ir.attachment and the upload route check them.
PORTAL_FILE_TYPES = {
    "support.request": (CHATTER_MIMETYPES, CHATTER_EXTENSIONS),
    "support.a1.form": (CHATTER_MIMETYPES, CHATTER_EXTENSIONS),
    "support.production.order": (UPLOAD_MIMETYPES, UPLOAD_EXTENSIONS),
}

NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
ID_RE = re.compile(r"[0-9]{1,10}")
MYDATA_MARK_RE = re.compile(rf"[0-9]{{{MYDATA_MARK_LENGTH}}}")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATETIME_LOCAL_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?")
NUMBER_MAX_CHARS = 32


class InputError(ValueError):
    """A value refused: ``message`` is translated and ready to show to the user who typed it;
    ``field`` names the parameter, ``code`` is a stable word for programs (JSON answers)."""

    def __init__(self, message, field=None, code="invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self):
        return str(self.message)

    def to_json(self):
        """The JSON error object of the addon's APIs: ``{"error": message, "code": code}``
        and ``"field"`` when one parameter is the cause."""
        answer = {"error": str(self.message), "code": self.code}
        if self.field:
            answer["field"] = self.field
        return answer


# ---------------------------------------------------------------------------
# Checks shared by the parsers and the models
# ---------------------------------------------------------------------------


def unstorable_character(text):
    """The first character PostgreSQL cannot store in a text column (NUL, or half of a
    surrogate pair sent by a client), else None."""
    for char in text:
        if char == "\x00" or "\ud800" <= char <= "\udfff":
            return char
    return None


def forbidden_character(text, multiline=True):
    """The first character nobody types: NUL and other control characters (tabs and, when
    ``multiline``, line breaks excepted), surrogates and unassigned code points; else None."""
    allowed = "\t\n\r" if multiline else ""
    for char in text:
        if char in allowed:
            continue
        if unicodedata.category(char) in ("Cc", "Cs", "Cn") or char in "\u2028\u2029":
            return char
    return None


def is_finite_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def latest_date(today=None):
    """The latest date a record may carry: ``MAX_YEARS_AHEAD`` years from today."""
    return (today or date.today()) + relativedelta(years=MAX_YEARS_AHEAD)


def date_in_window(value, today=None):
    """Whether a date or datetime lies between ``DATE_MIN`` and ``latest_date()``."""
    if not value:
        return True
    day = value.date() if isinstance(value, datetime) else value
    return DATE_MIN <= day <= latest_date(today)


def check_date_window(records, *field_names):
    """For the models' constraints: a ValidationError when a date or datetime of ``records``
    lies outside ``DATE_MIN`` .. ``latest_date()``."""
    env = records.env
    for record in records:
        for name in field_names:
            if not date_in_window(record[name]):
                raise ValidationError(
                    env._(
                        "%(field)s must be between %(min)s and %(max)s.",
                        field=record._fields[name]._description_string(env),
                        min=format_date(env, DATE_MIN),
                        max=format_date(env, latest_date()),
                    )
                )


def _number_text(value):
    return str(int(value)) if float(value).is_integer() else str(value)


def _label(label):
    return str(label) if label else ""


def _required(env, label, field):
    """The refusal of a required value left empty, the same for every parser."""
    return InputError(env._("%(field)s is required.", field=_label(label)), field, "required")


# ---------------------------------------------------------------------------
# Parsers: each returns the clean value or raises InputError
# ---------------------------------------------------------------------------


def parse_text(env, value, label, *, max_length, required=False, multiline=False, field=None):
    """Stripped text without control characters, at most ``max_length`` characters
    (line breaks counted once). ``""`` when empty and not required."""
    _ = env._
    if value is None or value is False:
        value = ""
    if not isinstance(value, str):
        raise InputError(_("%(field)s must be text.", field=_label(label)), field, "invalid_type")
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if forbidden_character(value, multiline=multiline):
        raise InputError(
            _(
                "%(field)s contains characters that cannot be stored (control characters): remove them.",
                field=_label(label),
            ),
            field,
            "invalid_characters",
        )
    if not value and required:
        raise _required(env, label, field)
    if len(value) > max_length:
        raise InputError(
            _("%(field)s is too long (%(max)s characters at most).", field=_label(label), max=max_length),
            field,
            "too_long",
        )
    return value


def parse_float(env, value, label, *, minimum, maximum, min_exclusive=False, required=True, field=None):
    """A finite number between ``minimum`` and ``maximum`` (above ``minimum`` when
    ``min_exclusive``). Text may use a decimal comma; no exponent, NaN or infinity.
    None when empty and not required."""
    _ = env._
    if value is None or value is False or (isinstance(value, str) and not value.strip()):
        if required:
            raise _required(env, label, field)
        return None
    if isinstance(value, str):
        text = value.strip()
        if len(text) > NUMBER_MAX_CHARS or not NUMBER_RE.fullmatch(text):
            raise InputError(_("%(field)s must be a number.", field=_label(label)), field, "invalid_number")
        number = float(text.replace(",", "."))
    elif is_finite_number(value):
        number = float(value)
    else:
        raise InputError(_("%(field)s must be a number.", field=_label(label)), field, "invalid_number")
    too_low = number <= minimum if min_exclusive else number < minimum
    if not math.isfinite(number) or too_low or number > maximum:
        if min_exclusive:
            message = _(
                "%(field)s must be more than %(min)s and at most %(max)s.",
                field=_label(label),
                min=_number_text(minimum),
                max=_number_text(maximum),
            )
        else:
            message = _(
                "%(field)s must be between %(min)s and %(max)s.",
                field=_label(label),
                min=_number_text(minimum),
                max=_number_text(maximum),
            )
        raise InputError(message, field, "out_of_range")
    return number


def parse_amount(env, value, label, *, required=True, field=None):
    """An amount of money (a price, a cost, an invoice amount): from 0 to ``MAX_AMOUNT``."""
    return parse_float(env, value, label, minimum=0, maximum=MAX_AMOUNT, required=required, field=field)


def parse_hours(env, value, label, *, field=None):
    """The hours of one service line (an extra action, a service given): more than 0 and at
    most ``MAX_LINE_HOURS``, as the lines' constraints have them."""
    return parse_float(env, value, label, minimum=0, maximum=MAX_LINE_HOURS, min_exclusive=True, field=field)


def parse_id(env, value, label, *, required=True, field=None):
    """A record id: a positive integer that PostgreSQL can hold (whether the user may use
    that record is checked by the caller). None when empty and not required."""
    _ = env._
    if value is None or value is False or value == "":
        if required:
            raise _required(env, label, field)
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and ID_RE.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        raise InputError(_("%(field)s is not valid.", field=_label(label)), field, "invalid_id")
    if not 1 <= number <= MAX_ID:
        raise InputError(_("%(field)s is not valid.", field=_label(label)), field, "invalid_id")
    return number


def parse_id_list(env, value, label, *, max_items=MAX_LIST_ITEMS, field=None):
    """A JSON list of record ids (numbers or digit strings), without repeats; [] for null."""
    _ = env._
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(_("%(field)s must be a list of ids.", field=_label(label)), field, "invalid_type")
    if len(value) > max_items:
        raise InputError(
            _("%(field)s has too many items (%(max)s at most).", field=_label(label), max=max_items),
            field,
            "too_long",
        )
    ids = []
    for item in value:
        number = parse_id(env, item, label, field=field)
        if number not in ids:
            ids.append(number)
    return ids


def parse_choice(env, value, label, choices, *, required=True, field=None):
    """One of ``choices`` (strings); None when empty and not required."""
    _ = env._
    if value is None or value == "":
        if required:
            raise _required(env, label, field)
        return None
    if not isinstance(value, str) or value not in choices:
        raise InputError(_("%(field)s is not one of the choices.", field=_label(label)), field, "invalid_choice")
    return value


def _stripped_or_required(env, value, label, required, field):
    """``value`` stripped when it is a string; None when empty, refused when required."""
    text = value.strip() if isinstance(value, str) else value
    if text is None or text is False or text == "":
        if required:
            raise _required(env, label, field)
        return None
    return text


def _parse_moment(env, value, label, required, field, pattern, convert, invalid):
    """A date or a naive datetime: ``value`` stripped, all of it matching ``pattern``, as
    ``convert`` reads it; else an InputError with the message ``invalid``. None when empty
    and not required."""
    text = _stripped_or_required(env, value, label, required, field)
    if text is None:
        return None
    if not isinstance(text, str) or not pattern.fullmatch(text):
        raise InputError(invalid, field, "invalid_date")
    try:
        return convert(text)
    except ValueError:  # well-formed, but no such day or time (2026-02-30)
        raise InputError(invalid, field, "invalid_date") from None


def _check_between(env, value, label, field, minimum, maximum, shown=None):
    """``value`` (a date or a datetime) when it lies between ``minimum`` and ``maximum``,
    else an InputError naming the bound it passed, as the day ``shown(bound)`` gives."""
    _ = env._
    if value < minimum:
        message = _(
            "%(field)s cannot be before %(date)s.",
            field=_label(label),
            date=format_date(env, shown(minimum) if shown else minimum),
        )
    elif value > maximum:
        message = _(
            "%(field)s cannot be after %(date)s.",
            field=_label(label),
            date=format_date(env, shown(maximum) if shown else maximum),
        )
    else:
        return value
    raise InputError(message, field, "out_of_range")


def parse_date(env, value, label, *, minimum=None, maximum=None, required=False, field=None):
    """A ``YYYY-MM-DD`` date between ``minimum`` and ``maximum`` (default: ``DATE_MIN`` and
    ``latest_date()``). None when empty and not required."""
    _ = env._
    invalid = _("%(field)s is not a valid date.", field=_label(label))
    day = _parse_moment(env, value, label, required, field, DATE_RE, fields.Date.to_date, invalid)
    if day is None:
        return None
    return _check_between(env, day, label, field, minimum or DATE_MIN, maximum or latest_date())


def parse_datetime_local(env, value, label, *, tz, minimum=None, maximum=None, required=True, field=None):
    """A ``datetime-local`` value (``YYYY-MM-DDTHH:MM``) typed in the time zone ``tz``, as a
    naive UTC datetime between ``minimum`` and ``maximum`` (naive UTC; default: the start of
    ``DATE_MIN`` and the end of ``latest_date()``). None when empty and not required."""
    _ = env._
    invalid = _("%(field)s is not a valid date and time.", field=_label(label))
    local = _parse_moment(env, value, label, required, field, DATETIME_LOCAL_RE, datetime.fromisoformat, invalid)
    if local is None:
        return None
    minimum = minimum or datetime.combine(DATE_MIN, datetime.min.time())
    maximum = maximum or datetime.combine(latest_date(), datetime.max.time())
    # Compared once before the time zone conversion, which fails on the first and last
    # days datetime can hold (years 1 and 9999): so far out, the typed value is refused.
    utc = None
    if minimum - timedelta(days=2) <= local <= maximum + timedelta(days=2):
        utc = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
    return _check_between(
        env,
        local if utc is None else utc,
        label,
        field,
        minimum,
        maximum,
        shown=lambda bound: pytz.utc.localize(bound).astimezone(tz).date(),
    )


def is_mydata_mark(value):
    """A myDATA MARK: exactly 15 digits (0-9 only, no other Unicode digit)."""
    return isinstance(value, str) and bool(MYDATA_MARK_RE.fullmatch(value))


def parse_mydata_mark(env, value, label, *, required=True, field=None):
    """The MARK (Μοναδικός Αριθμός Καταχώρησης) of an invoice transmitted to myDATA: 15
    digits, the spaces a user may type between groups removed. None when empty and not required."""
    _ = env._
    if value is not None and value is not False and not isinstance(value, str):
        raise InputError(_("%(field)s must be text.", field=_label(label)), field, "invalid_type")
    text = _stripped_or_required(env, value, label, required, field)
    if text is None:
        return None
    text = text.replace(" ", "")
    if not is_mydata_mark(text):
        raise InputError(
            _("%(field)s is the 15-digit number myDATA gave the invoice.", field=_label(label)),
            field,
            "invalid_mark",
        )
    return text


def parse_token(value, pattern):
    """A random token of one of our forms (all of it matching ``pattern``), or None."""
    return value if isinstance(value, str) and pattern.fullmatch(value) else None


def clean_filename(env, filename):
    """The name of an uploaded file without its folders, checked as a one-line text."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = parse_text(env, name, env._("File name"), max_length=NAME_MAX_LENGTH, field="attachments")
    return name or env._("file")


def check_file(
    env, filename, data, *, allowed=UPLOAD_MIMETYPES, max_size=MAX_UPLOAD_SIZE, field=None, types_label=None
):
    """(clean file name, mimetype) of an uploaded file checked by its content (never by its
    name or the browser's word): one of the ``allowed`` types, at most ``max_size`` bytes.
    ``types_label``: the accepted types as the message names them."""
    _ = env._
    name = clean_filename(env, filename)
    if not data:
        raise InputError(_("%(name)s is empty.", name=name), field, "empty_file")
    if len(data) > max_size:
        raise InputError(
            _("%(name)s is larger than %(size)s MB.", name=name, size=max_size // (1024 * 1024)),
            field,
            "file_too_large",
        )
    mimetype = guess_mimetype(data, default="application/octet-stream")
    if mimetype not in allowed:
        if not types_label:
            types_label = (
                UPLOAD_EXTENSIONS
                if allowed is UPLOAD_MIMETYPES
                else ", ".join(t.split("/")[-1].upper() for t in allowed)
            )
        raise InputError(
            _("%(name)s is not a file type accepted here; accepted: %(types)s.", name=name, types=types_label),
            field,
            "file_type",
        )
    return name, mimetype


def parse_image(env, value, label, *, allowed=SIGNATURE_MIMETYPES, max_size=MAX_SIGNATURE_SIZE, field=None):
    """A base64 image (a drawn signature) of one of the ``allowed`` types that decodes as an
    image, at most ``max_size`` bytes; returned as base64 (bytes) for an Image field."""
    _ = env._
    invalid = InputError(_("%(field)s is not a PNG or JPEG image.", field=_label(label)), field, "invalid_image")
    if not value:
        raise _required(env, label, field)
    if not isinstance(value, str):
        raise invalid
    if value.startswith("data:"):  # a data URL: keep its base64 part
        value = value.partition(",")[2]
    if len(value) > (max_size * 4) // 3 + 4:
        raise InputError(
            _("%(field)s is too large (%(size)s KB at most).", field=_label(label), size=max_size // 1024),
            field,
            "file_too_large",
        )
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise invalid from None
    if guess_mimetype(data, default="") not in allowed:
        raise invalid
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:  # noqa: BLE001 - whatever PIL fails on, the image is refused
        raise invalid from None
    return base64.b64encode(data)
