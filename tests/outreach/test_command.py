"""``cancuoc outreach``: queue, remind, send, opt out, figures."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cancuoc.outreach.models import Message, OptOut
from tests.scheduling.bookings import DAY, book, make_slot, make_station


def run(*args) -> str:
    out = StringIO()
    call_command("outreach", *args, stdout=out)
    return out.getvalue()


def test_queue_send_opt_out_and_figures(campaign, tmp_path, settings, sms_server):
    assert "3 tin chờ gửi / queued" in run("queue", str(campaign.pk))
    assert "…678: đã ghi nhận" in run("optout", "0912 345 678")
    assert OptOut.objects.get().phone == "0912345678"
    assert "2 đã gửi / sent" in run("send", "--outbox", str(tmp_path / "sms.jsonl"))
    assert len((tmp_path / "sms.jsonl").read_text().splitlines()) == 2
    figures = run("figures", "--campaign", str(campaign.pk))
    assert "đã gửi / sent 2" in figures and "từ chối / opted out 1" in figures

    settings.CANCUOC_SMS_HTTP = {"url": sms_server.url, "timeout": 1}
    assert "0 đã gửi / sent" in run("send", "--gateway", "http", "--rate", "600")


def test_remind_and_reinvite(villagers):
    station = make_station()
    book(villagers["an"], make_slot(station, day=DAY + timedelta(days=1)))
    assert "1 tin chờ gửi" in run("remind", "--day", DAY.isoformat())
    # The slot (in 2021) is over, nobody came, and the station has no slot still to come.
    reinvited = run("reinvite", station.code)
    assert "1 không đến / no-shows marked; 0 hẹn lại / rebooked, 1 chưa có chỗ" in reinvited
    assert Message.objects.count() == 1


def test_mistakes_are_told_plainly(db, settings):
    settings.CANCUOC_SMS_HTTP = None
    with pytest.raises(CommandError, match="CANCUOC_SMS_HTTP"):
        run("send", "--gateway", "http")
    with pytest.raises(CommandError, match="Không phải số điện thoại"):
        run("optout", "123")
    with pytest.raises(CommandError, match="no campaign 99"):
        run("queue", "99")
    with pytest.raises(CommandError, match="no station X"):
        run("reinvite", "X")
