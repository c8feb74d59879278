from datetime import datetime

import pytest
from django.utils import timezone

from cancuoc.outreach.gateways import HttpGateway
from cancuoc.outreach.segments import Segment
from cancuoc.outreach.services import campaign_create, template_create

from .fake_sms import FakeSmsProvider, FakeSmsServer

CLIENT_TIMEOUT = 0.3  # seconds; the fake provider's late answers come three times later
SCHEDULED = timezone.make_aware(datetime(2021, 5, 3, 8))


@pytest.fixture
def sms_server():
    with FakeSmsServer(FakeSmsProvider(late_by=CLIENT_TIMEOUT * 3)) as server:
        yield server


@pytest.fixture
def provider(sms_server) -> FakeSmsProvider:
    return sms_server.provider


@pytest.fixture
def gateway(sms_server) -> HttpGateway:
    return HttpGateway(url=sms_server.url, token="bi-mat", sender="CONG AN", timeout=CLIENT_TIMEOUT)


@pytest.fixture
def villagers(add_person):
    """Three people of Thôn 1 with phones, one without, and one in Phường Hai."""
    return {
        "an": add_person(full_name="Nguyễn Văn An", phone="0912345678"),
        "binh": add_person(full_name="Lê Thị Bình", sex="F", phone="+84 913 000 111"),
        "cuong": add_person(full_name="Phạm Văn Cường", phone="0914222333"),
        "no_phone": add_person(full_name="Trần Thị Dung", sex="F", phone=""),
        "ward": add_person(full_name="Hoàng Văn Em", phone="0915444555", permanent_unit="16001001"),
    }


@pytest.fixture
def template(db):
    return template_create(
        name="moi-lam-cccd",
        text="Mời {ho_ten} đến Công an xã làm CCCD gắn chip, mang sổ hộ khẩu. Từ chối: TC gửi 8xxx",
    )


@pytest.fixture
def campaign(template, villagers):
    return campaign_create(
        name="Thôn 1 đợt 1",
        template=template,
        segment=Segment(unit="16000001"),
        scheduled_at=SCHEDULED,
        per_minute=6000,
    )
