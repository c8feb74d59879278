"""What the log filter (cancuoc.lib.redact) costs per record: an access-log line, a message
with an ID and a name, and a record with a three-exception traceback.

    python bench/log_redaction.py
"""

import logging
import sys
import timeit

from cancuoc.lib.redact import RedactPersonalData


def record(msg: str, args: tuple, name: str = "cancuoc", exc_info=None) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, exc_info)


def a_traceback():
    try:
        try:
            try:
                raise KeyError("Nguyễn Văn An")
            except KeyError as error:
                raise ValueError("bad row 'Trần Thị Hoa', 038090001234") from error
        except ValueError as error:
            raise RuntimeError("import failed") from error
    except RuntimeError:
        return sys.exc_info()


def main() -> None:
    redaction = RedactPersonalData()
    cases = {
        "access line": lambda: record(
            '"%s" %s %s',
            ("GET /admin/registry/person/?q=038090001234 HTTP/1.1", "200", "5120"),
            name="django.server",
        ),
        "message with ID and name": lambda: record(
            "lookup of %s (%s) failed", ("038090001234", "Nguyễn Văn An")
        ),
        "plain message": lambda: record("register load from %s: %d persons", ("synth-38", 20300)),
        "three-exception traceback": lambda: record("failed", (), exc_info=a_traceback()),
    }
    for name, make in cases.items():
        made = timeit.timeit(make, number=2000) / 2000
        total = timeit.timeit(lambda make=make: redaction.filter(make()), number=2000) / 2000
        print(f"{name:28} {1e6 * (total - made):8.1f} µs per record")


if __name__ == "__main__":
    main()
