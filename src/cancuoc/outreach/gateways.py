"""Where messages go: a file (the default, for demos and tests of a whole campaign) or a
provider's HTTP API (Viettel, Vinaphone and Mobifone brand-name SMS, or an aggregator).

Each send carries the message's key. A gateway that honours it (``honours_key``) sends a key
it has already seen no second time and answers with the first send's id; ``services`` relies
on that to resend safely when it cannot know whether an earlier attempt went out.
"""

import http.client
import json
import string
import urllib.error
import urllib.request
from base64 import b64encode
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import quote_plus

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class SendResult:
    provider_id: str  # the provider's id for the message, to match delivery reports to it


class RetryableError(Exception):
    """Not sent this time; trying again later may work (the provider is down or busy).
    ``maybe_sent``: the request reached the provider and no answer came back, so it may have
    gone out."""

    def __init__(self, message: str, *, maybe_sent: bool = False) -> None:
        super().__init__(message)
        self.maybe_sent = maybe_sent


class PermanentError(Exception):
    """The provider refused the message; sending it again would be refused again."""


class Gateway(Protocol):
    honours_key: bool

    def send(self, phone: str, text: str, key: str) -> SendResult: ...


class FileGateway:
    """Appends each message as a JSON line to a file (``CANCUOC_SMS_OUTBOX``, default
    ``sms-outbox.jsonl``) instead of sending it. Honours keys: a key already in the file is
    not written again."""

    honours_key = True

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or settings.CANCUOC_SMS_OUTBOX)
        self._keys: set[str] | None = None

    def _written(self) -> set[str]:
        if self._keys is None:
            self._keys = set()
            if self.path.exists():
                with self.path.open(encoding="utf-8") as lines:
                    self._keys = {json.loads(line)["key"] for line in lines if line.strip()}
        return self._keys

    def send(self, phone: str, text: str, key: str) -> SendResult:
        if key not in self._written():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            line = json.dumps({"key": key, "phone": phone, "text": text}, ensure_ascii=False)
            with self.path.open("a", encoding="utf-8") as outbox:
                outbox.write(line + "\n")
            self._keys.add(key)
        return SendResult(provider_id=f"file:{key}")


# The request body: a string.Template over $phone, $text, $key and $sender, each escaped for
# the content type.
DEFAULT_BODY = '{"to": "$phone", "text": "$text", "ref": "$key", "from": "$sender"}'


@dataclass(frozen=True)
class HttpGateway:
    """A provider's HTTP API: one POST a message. A 2xx answer is sent, and its JSON's
    ``id_field`` the provider's id; 5xx, 408, 429, no connection and no answer in time are
    worth retrying; any other 4xx is a refusal. The key goes in the ``key_header`` header;
    set ``honours_key`` False for a provider that ignores it."""

    url: str
    body: str = DEFAULT_BODY
    content_type: str = "application/json"
    username: str = ""  # HTTP basic authentication, or
    password: str = ""
    token: str = ""  # a bearer token
    sender: str = ""  # the brand name the message comes from
    id_field: str = "id"
    key_header: str = "Idempotency-Key"
    timeout: float = 10.0
    honours_key: bool = True

    @classmethod
    def from_settings(cls) -> "HttpGateway":
        """From ``CANCUOC_SMS_HTTP``: a dict of this class's fields (the URL at least)."""
        config = settings.CANCUOC_SMS_HTTP
        if not config or not config.get("url"):
            raise ImproperlyConfigured("CANCUOC_SMS_HTTP needs at least a url")
        return cls(**config)

    def _headers(self, key: str) -> dict[str, str]:
        headers = {"Content-Type": self.content_type, self.key_header: key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.username:
            pair = b64encode(f"{self.username}:{self.password}".encode()).decode()
            headers["Authorization"] = f"Basic {pair}"
        return headers

    def _body(self, phone: str, text: str, key: str) -> bytes:
        escape = _json_escaped if "json" in self.content_type else quote_plus
        values = {"phone": phone, "text": text, "key": key, "sender": self.sender}
        body = string.Template(self.body).substitute({k: escape(v) for k, v in values.items()})
        return body.encode()

    def send(self, phone: str, text: str, key: str) -> SendResult:
        request = urllib.request.Request(
            self.url, data=self._body(phone, text, key), headers=self._headers(key), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            if error.code >= 500 or error.code in (408, 429):
                raise RetryableError(f"HTTP {error.code}") from None
            raise PermanentError(f"HTTP {error.code}") from None
        except urllib.error.URLError as error:  # before the whole request was sent
            raise RetryableError(f"no connection: {type(error.reason).__name__}") from None
        except TimeoutError:
            raise RetryableError(f"no answer in {self.timeout:g} s", maybe_sent=True) from None
        except (OSError, http.client.HTTPException) as error:
            raise RetryableError(f"answer lost: {type(error).__name__}", maybe_sent=True) from None
        return SendResult(provider_id=_provider_id(payload, self.id_field))


def _json_escaped(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def _provider_id(payload: bytes, field: str) -> str:
    try:
        answer = json.loads(payload)
    except ValueError:
        return ""
    return str(answer.get(field, "")) if isinstance(answer, dict) else ""
