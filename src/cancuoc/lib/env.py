"""Reading settings from the environment, strictly: a value that cannot be read stops the
start with the variable's name and what it holds, never a silent default (``envbool`` read
"ture" as False). Secrets may come from a file (``NAME_FILE``, as Docker and systemd
credentials give them); structured settings are JSON, inline or in a file."""

import json
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _raw(name: str, default: str) -> str:
    return os.environ.get(name, default).strip()


def envbool(name: str, default: str) -> bool:
    value = _raw(name, default).lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected one of 1/0, true/false, yes/no, on/off")


def envint(name: str, default: str, *, minimum: int | None = None) -> int:
    value = _raw(name, default)
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number}: must be at least {minimum}")
    return number


def envfloat(name: str, default: str) -> float:
    value = _raw(name, default)
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: expected a number") from None


def envsecret(name: str, default: str = "") -> str:
    """``NAME`` or, when ``NAME_FILE`` is set, the content of that file (stripped)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE={path!r}: {error.strerror}") from None
    return os.environ.get(name, default)


def envjson(name: str, default: Any) -> Any:
    """A structured setting: JSON in ``NAME``, or in the file ``NAME_FILE`` (which may hold
    credentials, such as the SMS gateway's)."""
    text = envsecret(name)
    if not text:
        return default
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name}: not valid JSON ({error.msg} at {error.pos})") from None
