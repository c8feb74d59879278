"""The provider's delivery reports, posted to a URL with a shared secret."""

import pytest

from cancuoc.outreach.models import Message, MessageState
from cancuoc.outreach.selectors import delivery_figures
from cancuoc.outreach.services import campaign_queue, messages_send

from .test_sending import ON


@pytest.fixture
def sent(campaign, gateway, settings):
    settings.CANCUOC_SMS_REPORT_SECRET = "bao-cao-bi-mat"
    campaign_queue(campaign=campaign, on=ON)
    messages_send(gateway=gateway)
    return list(Message.objects.filter(state=MessageState.SENT))


def test_reports_settle_the_messages_they_name(client, sent):
    first, second, *_ = sent
    url = "/sms/bao-cao/bao-cao-bi-mat/"
    answer = client.post(url, {"id": first.provider_id, "status": "DELIVRD"})
    assert answer.json() == {"settled": 1}
    answer = client.post(
        url,
        {"id": second.provider_id, "status": "failed", "error": "số không tồn tại"},
        content_type="application/json",
    )
    assert answer.json() == {"settled": 1}
    assert client.post(url, {"id": first.provider_id, "status": "DELIVRD"}).json() == {
        "settled": 0
    }  # a repeated report changes nothing
    figures = delivery_figures()
    assert (figures.delivered, figures.failed) == (1, 1)


def test_a_wrong_or_unset_secret_finds_nothing(client, sent, settings):
    assert client.post("/sms/bao-cao/doan-mo/", {"id": sent[0].provider_id}).status_code == 404
    settings.CANCUOC_SMS_REPORT_SECRET = ""
    assert client.post("/sms/bao-cao//", {"id": sent[0].provider_id}).status_code == 404
    assert Message.objects.filter(state=MessageState.DELIVERED).count() == 0
