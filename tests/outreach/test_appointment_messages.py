"""Reminders the day before an appointment, and no-shows re-invited with their new time."""

from datetime import timedelta

from cancuoc.outreach.models import Message, MessageKind, MessageState
from cancuoc.outreach.selectors import delivery_figures
from cancuoc.outreach.services import (
    messages_send,
    optout_record,
    reinvite_no_shows,
    reminders_queue,
)
from cancuoc.scheduling.messages import GSM7_SINGLE, gsm7_septets
from cancuoc.scheduling.models import Appointment, AppointmentState
from tests.scheduling.bookings import DAY, book, make_slot, make_station

LONG_STATION = "Công an phường Đông Hương, thành phố Thanh Hóa, tỉnh Thanh Hóa, điểm cấp số 2"


def test_each_booked_appointment_of_tomorrow_gets_one_reminder(villagers, gateway, provider):
    station = make_station(name=LONG_STATION)
    tomorrow, later = make_slot(station), make_slot(station, day=DAY + timedelta(days=1))
    an = book(villagers["an"], tomorrow)
    book(villagers["binh"], tomorrow, state=AppointmentState.CANCELLED)
    book(villagers["no_phone"], tomorrow)
    book(villagers["cuong"], later)

    first = reminders_queue(day=DAY - timedelta(days=1))
    again = reminders_queue(day=DAY - timedelta(days=1))

    assert (first.queued, again.queued) == (1, 0)
    reminder = Message.objects.get()
    assert (reminder.kind, reminder.appointment, reminder.key) == (
        MessageKind.REMINDER,
        an,
        f"reminder:{an.pk}",
    )
    assert f"luc 07:30-08:00 ngay 07/06/2021. Ma hen: {an.code}." in reminder.text
    assert gsm7_septets(reminder.text) <= GSM7_SINGLE
    messages_send(gateway=gateway)
    assert [m["text"] for m in provider.handsets] == [reminder.text]
    assert delivery_figures(kind=MessageKind.REMINDER).sent == 1


def test_a_reminder_whose_appointment_was_cancelled_meanwhile_is_withdrawn(
    villagers, gateway, provider
):
    appointment = book(villagers["an"], make_slot(make_station()))
    reminders_queue(day=DAY - timedelta(days=1))
    appointment.state = AppointmentState.CANCELLED
    appointment.save()

    assert messages_send(gateway=gateway).withdrawn == 1
    assert provider.received == []
    assert Message.objects.get().state == MessageState.WITHDRAWN


def test_no_shows_are_rebooked_and_told_their_new_time_once(villagers):
    station = make_station()
    missed = make_slot(station)
    new = make_slot(station, hour=9, minute=0)
    for key in ("an", "binh", "no_phone"):
        book(villagers[key], missed, state=AppointmentState.NO_SHOW)
    optout_record(phone="0913000111")  # Bình

    result = reinvite_no_shows(station=station, on=DAY, after=missed.ends_at)

    assert result.rebooking.rebooked == 3
    assert (result.messages.queued, result.messages.opted_out) == (1, 1)
    rebooked = Appointment.objects.get(person=villagers["an"], slot=new)
    message = Message.objects.get(state=MessageState.QUEUED)
    assert (message.kind, message.appointment) == (MessageKind.REINVITE, rebooked)
    assert "luc 09:00-09:30 ngay 07/06/2021" in message.text
    assert f"Ma hen: {rebooked.code}." in message.text
    assert gsm7_septets(message.text) <= GSM7_SINGLE

    again = reinvite_no_shows(station=station, on=DAY, after=missed.ends_at)
    assert (again.rebooking.rebooked, again.messages.queued) == (0, 0)
