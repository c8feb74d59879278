"""Keep personal data out of logs, whatever a message, a URL or a traceback contains.

What is masked, and how sure it is:

- ID numbers (12-digit CCCD, 9-digit CMND) and phone numbers (0 or +84 and 9–10 digits):
  always, anywhere in a line; the last digits stay, to tell lines apart.
- Full names: a known Vietnamese family name followed by two or more capitalised words
  (the shape tests/accounts/test_logs.py looks for) keeps its initials only. A name of two
  words, or one without a known family name, can get through in free text; hence the two
  rules below for the place names mostly reach a log, exception messages.
- Exception messages, in tracebacks: values the message quotes (``'…'``, ``"…"``) are masked
  when they hold a space or a non-ASCII letter (identifiers such as ``'ngay_sinh'`` stay
  readable), as are the values of a PostgreSQL ``Key (…)=(…)`` detail; exceptions known to
  print a cell's value unquoted (openpyxl's IllegalCharacterError) lose their message.
- Access logs (runserver's ``django.server``, gunicorn's ``gunicorn.access`` and
  ``gunicorn.error``): query strings are dropped. Searches by ID or name are POSTed, but a
  query string is where such a value would travel in a GET (the admin's search box, a
  referrer), and the path alone says which page was asked for.
"""

import logging
import re
import traceback
from collections.abc import Iterator
from types import TracebackType

from gunicorn import glogging

# 12-digit personal IDs and 9-digit CMND numbers, standing alone.
ID_NUMBER = re.compile(r"(?<!\d)(\d{9}|\d{12})(?!\d)")
# Mobile (10 digits) and fixed (11 digits) numbers, written with 0 or the country code.
PHONE = re.compile(r"(?<![\d+])((?:\+84|0084|0)[1-9]\d{8,9})(?!\d)")
# Family names: the common Kinh ones (about 95 % of the population) and those of the northern
# uplands' peoples (Mường, Thái, Mông, Dao, Tày) the campaign meets most.
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Đinh",
    "Lâm",
    "Mai",
    "Trịnh",
    "Lương",
    "Hà",
    "Cao",
    "Lưu",
    "Tạ",
    "Quách",
    "Thái",
    "Lại",
    "Kiều",
    "Đoàn",
    "Chu",
    "Tô",
    "Vương",
    "Triệu",
    "Tăng",
    "Đào",
    "Doãn",
    "Khúc",
    "Kim",
    "Lục",
    "Mạc",
    "Nghiêm",
    "Ninh",
    "Phùng",
    "Tống",
    "Bạch",
    "Âu",
    "Giang",
    "Hứa",
    "Thân",
    "Từ",
    "Nông",
    "Lò",
    "Lường",
    "Quàng",
    "Cầm",
    "Giàng",
    "Vàng",
    "Sùng",
    "Thào",
    "Mùa",
    "Lầu",
    "Hờ",
    "Chảo",
    "Bàn",
]
_UPPER = "".join(c for c in map(chr, range(0x41, 0x1EFA)) if c.isupper())
_WORD = rf"[{_UPPER}][^\W\d_]*"
# Written as on a form (Nguyễn Văn An) or as on the card (NGUYỄN VĂN AN).
_FAMILY = "|".join(sorted({s for surname in SURNAMES for s in (surname, surname.upper())}))
FULL_NAME = re.compile(rf"\b(?:{_FAMILY})(?:[ \t]+{_WORD}){{2,4}}\b")
# A quoted value with a space or a letter beyond ASCII in it: a name, an address, a cell.
QUOTED_TEXT = re.compile(r"""(?P<q>['"])(?=[^'"\n]*[\s\u0080-\uffff])[^'"\n]+(?P=q)""")
# PostgreSQL's "Key (full_name, birth_date)=(Nguyễn Văn An, 1980-05-10) already exists."
KEY_DETAIL = re.compile(r"(Key \([^)]*\)=\()[^\n]*?(\)(?: already exists| is not present|$))", re.M)
# Exceptions whose message is the offending value itself, unquoted.
MESSAGE_IS_A_VALUE = {"openpyxl.utils.exceptions.IllegalCharacterError"}
WITHHELD = "(message withheld: it holds the value)"
QUERY_STRING = re.compile(r"(?<=[^\s\"'?])\?[^\s\"']*")
# Loggers whose lines are requests (method, URL, status).
ACCESS_LOGS = {"django.server", "gunicorn.access", "gunicorn.error"}


def _digits_masked(match: re.Match) -> str:
    number = match.group(1)
    return "•" * (len(number) - 4) + number[-4:]


def _initials(match: re.Match) -> str:
    return " ".join(word[0] + "•" for word in match.group(0).split())


def redact(text: str) -> str:
    """ID numbers and phone numbers masked to their last digits, full names to initials."""
    text = ID_NUMBER.sub(_digits_masked, text)
    text = PHONE.sub(_digits_masked, text)
    return FULL_NAME.sub(_initials, text)


def without_query_strings(text: str) -> str:
    return QUERY_STRING.sub("?…", text)


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _message_redacted(error: BaseException, message: str) -> str:
    names = {f"{kind.__module__}.{kind.__qualname__}" for kind in type(error).__mro__}
    if names & MESSAGE_IS_A_VALUE:
        return WITHHELD
    message = QUOTED_TEXT.sub(lambda m: f"{m['q']}…{m['q']}", message)
    return KEY_DETAIL.sub(r"\1…\2", message)


def traceback_redacted(
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None],
) -> str:
    """The traceback as logging writes it, with every exception's message redacted."""
    text = "".join(traceback.format_exception(*exc_info)).rstrip("\n")
    for error in _chain(exc_info[1]):
        try:
            message = str(error)
        except Exception:  # a broken __str__: traceback printed "<exception str() failed>"
            continue
        if message:
            text = text.replace(f": {message}", f": {_message_redacted(error, message)}")
    return redact(text)


class RedactPersonalData(logging.Filter):
    """A logging filter: formats the message, and the traceback if any, once and masks the
    personal data in them (see the module's docstring for what and how)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if record.name in ACCESS_LOGS:
            masked = without_query_strings(masked)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = traceback_redacted(record.exc_info)
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# The name the test suite's log keeper (tests/conftest.py) imports.
RedactIdNumbers = RedactPersonalData


class GunicornLog(glogging.Logger):
    """Gunicorn's logger with the filter on its access and error logs, and no query string
    in any of the access log's fields:
    ``gunicorn cancuoc.wsgi --logger-class cancuoc.lib.redact.GunicornLog``."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactPersonalData) for f in log.filters):
                log.addFilter(RedactPersonalData())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["q"] = atoms["{query_string}e"] = ""
        return {
            key: without_query_strings(redact(value)) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
