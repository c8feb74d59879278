"""Keep personal ID numbers out of logs, whatever a message or a URL in it contains."""

import logging
import re

# 12-digit personal IDs and 9-digit CMND numbers, standing alone.
ID_NUMBER = re.compile(r"(?<!\d)(\d{9}|\d{12})(?!\d)")


def redact(text: str) -> str:
    return ID_NUMBER.sub(lambda m: "•" * (len(m.group(1)) - 4) + m.group(1)[-4:], text)


class RedactIdNumbers(logging.Filter):
    """A logging filter: formats the message once and masks every ID number in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
