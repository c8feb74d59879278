"""The outreach pages of the admin: templates checked when saved, campaigns queued from a
list, messages and opt-outs read only."""

import pytest
from django.contrib.auth import get_user_model

from cancuoc.outreach.models import Campaign, CampaignStatus, Message, OptOut, Template
from cancuoc.outreach.services import campaign_queue, optout_record


@pytest.fixture
def admin_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("qt", password="x" * 12))
    return client


def test_a_template_too_long_for_one_sms_is_refused_on_saving(admin_client):
    page = admin_client.post(
        "/admin/outreach/template/add/", {"name": "dai", "text": "Mời {ho_ten} " + "ạ" * 160}
    )
    assert page.status_code == 200 and "Dài quá một tin nhắn" in page.content.decode()
    assert not Template.objects.exists()


def test_a_campaign_with_a_segment_it_cannot_read_is_refused(admin_client, template):
    page = admin_client.post(
        "/admin/outreach/campaign/add/",
        {
            "name": "Sai",
            "template": template.pk,
            "segment": '{"tinh": "38"}',
            "scheduled_at_0": "03/05/2021",
            "scheduled_at_1": "08:00",
            "per_minute": 60,
        },
    )
    assert page.status_code == 200 and "Điều kiện không có: tinh" in page.content.decode()
    assert not Campaign.objects.exists()


def test_campaigns_are_queued_from_the_list_and_messages_are_read_only(admin_client, campaign):
    page = admin_client.post(
        "/admin/outreach/campaign/", {"action": "queue", "_selected_action": [campaign.pk]}
    )
    assert page.status_code == 302
    assert Campaign.objects.get().status == CampaignStatus.QUEUED
    assert Message.objects.count() == 3
    optout_record(phone="0912345678")
    message = Message.objects.first()
    for url in [
        "/admin/outreach/message/",
        f"/admin/outreach/message/{message.pk}/change/",
        "/admin/outreach/optout/",
        f"/admin/outreach/campaign/{campaign.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/outreach/message/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/outreach/optout/{OptOut.objects.get().pk}/delete/").status_code
        == 403
    )


def test_the_admin_lists_read_in_the_chosen_language(admin_client, campaign):
    campaign_queue(campaign=campaign)
    page = admin_client.get("/admin/outreach/message/").content.decode()
    assert "tình trạng" in page and "Chờ gửi" in page and "Nhắc lịch hẹn" in page
    assert "Bởi tình trạng" in page and "Bởi loại tin" in page and "Bởi state" not in page
    admin_client.cookies["django_language"] = "en"
    page = admin_client.get("/admin/outreach/message/").content.decode()
    assert "By status" in page and "Queued" in page and "Appointment reminder" in page
    page = admin_client.get("/admin/outreach/campaign/").content.decode()
    assert "Queue the campaign&#x27;s messages" in page and "By status" in page
