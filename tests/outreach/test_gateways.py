"""The file gateway and the HTTP adapter against the fake provider."""

import json
import socket

import pytest

from cancuoc.outreach.gateways import (
    FileGateway,
    HttpGateway,
    PermanentError,
    RetryableError,
    SendResult,
)

from .conftest import CLIENT_TIMEOUT


def test_the_http_gateway_posts_the_body_template_with_key_and_credentials(gateway, provider):
    result = gateway.send("0912345678", 'Moi "anh" An', "campaign:1:7")

    assert result == SendResult(provider_id="prov-1")
    [request] = provider.received
    assert request.body == {
        "to": "0912345678",
        "text": 'Moi "anh" An',
        "ref": "campaign:1:7",
        "from": "CONG AN",
    }
    assert request.headers["Idempotency-Key"] == "campaign:1:7"
    assert request.headers["Authorization"] == "Bearer bi-mat"


def test_basic_authentication_and_a_form_body_with_its_own_id_field(sms_server, provider):
    gateway = HttpGateway(
        url=sms_server.url,
        username="cand",
        password="mk",
        id_field="status",
        body='{"msisdn": "$phone", "sms": "$text"}',
        timeout=CLIENT_TIMEOUT,
    )
    assert gateway.send("0912345678", "Hen: 07:30", "k").provider_id == "accepted"
    assert provider.received[0].headers["Authorization"] == "Basic Y2FuZDptaw=="
    assert provider.received[0].body == {"msisdn": "0912345678", "sms": "Hen: 07:30"}


def test_a_server_error_is_retryable_and_a_refusal_is_not(gateway, provider):
    provider.fail_next("500", "400")
    with pytest.raises(RetryableError) as busy:
        gateway.send("0912345678", "x", "k1")
    assert str(busy.value) == "HTTP 500" and not busy.value.maybe_sent
    with pytest.raises(PermanentError, match="HTTP 400"):
        gateway.send("0912345678", "x", "k2")
    assert provider.handsets == []


def test_an_answer_too_late_is_retryable_but_may_have_been_sent(gateway, provider):
    provider.fail_next("timeout")
    with pytest.raises(RetryableError) as late:
        gateway.send("0912345678", "x", "k1")
    assert late.value.maybe_sent
    assert len(provider.handsets) == 1
    # The same key again: the provider answers with the first id and sends nothing.
    assert gateway.send("0912345678", "x", "k1").provider_id == "prov-1"
    assert len(provider.handsets) == 1 and len(provider.received) == 2


def test_no_server_is_retryable_and_not_sent():
    with socket.socket() as nobody:  # a port nobody listens on once closed
        nobody.bind(("127.0.0.1", 0))
        port = nobody.getsockname()[1]
    gateway = HttpGateway(url=f"http://127.0.0.1:{port}/sms", timeout=CLIENT_TIMEOUT)
    with pytest.raises(RetryableError) as down:
        gateway.send("0912345678", "x", "k")
    assert not down.value.maybe_sent


def test_the_file_gateway_writes_json_lines_once_per_key(tmp_path, settings):
    settings.CANCUOC_SMS_OUTBOX = tmp_path / "out" / "sms.jsonl"
    FileGateway().send("0912345678", "Moi An", "reminder:1")
    again = FileGateway()  # a later run, reading what is in the file
    assert again.send("0912345678", "Moi An", "reminder:1").provider_id == "file:reminder:1"
    again.send("0913000111", "Moi Binh", "reminder:2")
    lines = settings.CANCUOC_SMS_OUTBOX.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["reminder:1", "reminder:2"]
