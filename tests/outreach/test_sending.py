"""Sending through the fake provider: failures retried, nothing sent twice even after a crash,
opt-outs respected, and the figures that come out."""

from datetime import date, timedelta

import pytest

from cancuoc.accounts.models import AuditEvent
from cancuoc.outreach.gateways import FileGateway, HttpGateway
from cancuoc.outreach.models import CampaignStatus, Message, MessageState, OptOut
from cancuoc.outreach.selectors import DeliveryFigures, delivery_figures
from cancuoc.outreach.services import (
    campaign_cancel,
    campaign_queue,
    message_delivery_record,
    messages_send,
    optout_record,
)

from .conftest import CLIENT_TIMEOUT

ON = date(2021, 5, 3)


def send(gateway, **options):
    """A run with no wait between retries, so that one run sees them all through."""
    return messages_send(gateway=gateway, backoff=timedelta(0), **options)


def states() -> dict[str, str]:
    return dict(Message.objects.values_list("key", "state"))


class Killed(BaseException):
    """The process dies: nothing after this line of the run happens."""


class DiesAfterSending:
    """The provider gets the message, then the process is killed before it saves the result."""

    def __init__(self, gateway: HttpGateway) -> None:
        self.gateway = gateway
        self.honours_key = gateway.honours_key

    def send(self, phone: str, text: str, key: str):
        self.gateway.send(phone, text, key)
        raise Killed


def test_failures_are_retried_until_sent_and_delivery_reports_settle_them(
    campaign, gateway, provider
):
    assert campaign_queue(campaign=campaign, on=ON).queued == 3
    provider.fail_next("500", "timeout", "500")

    run = send(gateway)

    assert (run.sent, run.retrying, run.failed) == (3, 3, 0)
    assert set(states().values()) == {MessageState.SENT}
    assert len(provider.received) == 6
    assert sorted(m["to"] for m in provider.handsets) == ["0912345678", "0913000111", "0914222333"]
    assert sum(Message.objects.values_list("attempts", flat=True)) == 6
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DONE

    ids = sorted(Message.objects.values_list("provider_id", flat=True))
    assert ids == ["prov-1", "prov-2", "prov-3"]
    assert message_delivery_record(provider_id="prov-1", delivered=True) == 1
    assert message_delivery_record(provider_id="prov-1", delivered=True) == 0  # repeated
    assert message_delivery_record(provider_id="prov-2", delivered=True) == 1
    assert message_delivery_record(provider_id="prov-3", delivered=False, error="absent") == 1
    assert delivery_figures(campaign=campaign) == DeliveryFigures(
        queued=0, sent=2, delivered=2, failed=1, opted_out=0, withdrawn=0
    )


def test_a_message_out_of_attempts_fails_and_a_refusal_is_not_retried(campaign, gateway, provider):
    campaign_queue(campaign=campaign, on=ON)
    provider.fail_next("400", *["500"] * 6)

    run = send(gateway, max_attempts=3)

    assert (run.sent, run.failed) == (0, 3)
    attempts = sorted(Message.objects.values_list("attempts", "last_error"))
    assert attempts == [(1, "HTTP 400"), (3, "HTTP 500"), (3, "HTTP 500")]
    assert provider.handsets == [] and len(provider.received) == 7
    assert delivery_figures(campaign=campaign).failed == 3


def test_retries_wait_for_their_backoff(campaign, gateway, provider):
    campaign_queue(campaign=campaign, on=ON)
    provider.fail_next("500")

    run = messages_send(gateway=gateway, backoff=timedelta(minutes=1))

    assert (run.sent, run.retrying) == (2, 1)
    waiting = Message.objects.get(state=MessageState.QUEUED)
    assert waiting.attempts == 1 and waiting.last_error == "HTTP 500"
    assert messages_send(gateway=gateway).sent == 0  # not due yet
    assert campaign.__class__.objects.get().status == CampaignStatus.QUEUED


def test_a_run_killed_after_the_provider_sent_never_sends_twice(campaign, gateway, provider):
    campaign_queue(campaign=campaign, on=ON)
    with pytest.raises(Killed):
        send(DiesAfterSending(gateway))
    assert len(provider.handsets) == 1
    assert sorted(states().values()) == ["queued", "queued", "sending"]

    # A run at once leaves the message another run may still be sending.
    assert send(gateway).sent == 2
    assert sorted(states().values()) == ["sending", "sent", "sent"]
    # Once the lease is over, it is sent again under its key: the provider does not resend.
    run = send(gateway, lease=timedelta(0))

    assert (run.resumed, run.sent) == (1, 1)
    assert set(states().values()) == {MessageState.SENT}
    assert len(provider.handsets) == 3 and len(provider.received) == 4
    assert len(set(Message.objects.values_list("provider_id", flat=True))) == 3


def test_through_a_provider_that_ignores_keys_an_unknown_outcome_is_never_resent(
    campaign, sms_server, provider
):
    gateway = HttpGateway(url=sms_server.url, timeout=CLIENT_TIMEOUT, honours_key=False)
    campaign_queue(campaign=campaign, on=ON)
    with pytest.raises(Killed):
        send(DiesAfterSending(gateway))
    provider.fail_next("timeout")

    run = send(gateway, lease=timedelta(0))

    assert (run.outcome_unknown, run.sent, run.failed, run.retrying) == (1, 1, 1, 0)
    errors = sorted(Message.objects.values_list("last_error", flat=True))
    assert errors == [
        "",
        "outcome unknown: no answer in 0.3 s",
        "outcome unknown: the run stopped mid-send",
    ]
    assert len(provider.received) == 3


def test_opt_outs_are_respected_when_queueing_and_when_sending(campaign, gateway, provider):
    optout_record(phone="+84 912 345 678", source="sms")  # An, before the campaign
    assert campaign_queue(campaign=campaign, on=ON).opted_out == 1
    OptOut.objects.create(phone="0913000111", source="nha-mang")  # Bình, after queueing

    run = send(gateway)

    assert (run.sent, run.skipped_opt_out) == (1, 1)
    assert [m["to"] for m in provider.handsets] == ["0914222333"]
    assert delivery_figures(campaign=campaign) == DeliveryFigures(
        queued=0, sent=1, delivered=0, failed=0, opted_out=2, withdrawn=0
    )


def test_an_opt_out_skips_the_messages_already_waiting(campaign):
    campaign_queue(campaign=campaign, on=ON)
    optout_record(phone="0914222333")
    assert delivery_figures() == DeliveryFigures(
        queued=2, sent=0, delivered=0, failed=0, opted_out=1, withdrawn=0
    )
    with pytest.raises(ValueError):
        optout_record(phone="12345")


def test_a_cancelled_campaign_sends_nothing_more(campaign, gateway, provider):
    campaign_queue(campaign=campaign, on=ON)
    assert campaign_cancel(campaign=campaign) == 3
    assert send(gateway).sent == 0 and provider.received == []
    assert delivery_figures(campaign=campaign).withdrawn == 3
    with pytest.raises(ValueError, match="Đợt nhắn tin này đã huỷ"):
        campaign_queue(campaign=campaign, on=ON)


def test_queueing_again_adds_nobody_twice(campaign, add_person):
    campaign_queue(campaign=campaign, on=ON)
    add_person(full_name="Đỗ Văn Giang", phone="0916777888")

    again = campaign_queue(campaign=campaign, on=ON)

    assert (again.queued, again.opted_out) == (1, 0)
    assert Message.objects.count() == 4


def test_sends_are_spaced_to_the_rate(campaign, tmp_path):
    campaign_queue(campaign=campaign, on=ON)
    now, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    outbox = FileGateway(tmp_path / "sms.jsonl")
    messages_send(gateway=outbox, per_minute=60, clock=lambda: now[0], sleep=sleep)
    assert slept == [1.0, 1.0]
    assert len((tmp_path / "sms.jsonl").read_text().splitlines()) == 3


def test_a_campaign_keeps_to_its_own_rate(campaign, tmp_path):
    campaign.per_minute = 20
    campaign.save()
    campaign_queue(campaign=campaign, on=ON)
    now, slept = [0.0], []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    outbox = FileGateway(tmp_path / "sms.jsonl")
    messages_send(gateway=outbox, per_minute=600, clock=lambda: now[0], sleep=sleep)
    assert slept == [3.0, 3.0]


def test_a_run_is_audited_once_with_counts_only(campaign, gateway):
    campaign_queue(campaign=campaign, on=ON)
    send(gateway)

    [event] = AuditEvent.objects.filter(action="outreach_send")
    assert event.detail == {
        "sent": 3,
        "retrying": 0,
        "failed": 0,
        "skipped_opt_out": 0,
        "withdrawn": 0,
        "resumed": 0,
        "outcome_unknown": 0,
    }
    queued = AuditEvent.objects.get(action="outreach_queue")
    assert queued.detail == {"queued": 3, "opted_out": 0, "no_valid_phone": 0}
