"""Writes for outreach: messages queued for a campaign, a reminder or a re-invitation, sent
through a gateway, and opt-outs.

Sending, and why no message goes out twice
------------------------------------------
Every message has a unique ``key`` naming what it is for (``campaign:7:1042``,
``reminder:311``, ``reinvite:318``). Queueing inserts keys not taken yet, so running a queue
again adds nothing. ``messages_send`` then takes each due message through:

1. *claim*: ``queued`` → ``sending`` (attempts + 1, ``claimed_at`` now) by a conditional
   UPDATE, committed before the gateway is called: of two runs at once only one claims it;
2. *call* the gateway with the key;
3. *settle*: ``sent`` with the provider's id, or back to ``queued`` after a backoff for a
   retryable error (``failed`` once ``max_attempts`` are used), or ``failed`` for a refusal.

A run that dies between 1 and 3 leaves the message ``sending``, and nobody knows whether the
provider got it. The next run, once the lease has passed (longer than any gateway call), settles
such messages before anything else: with a gateway that honours keys it sends them again under
the same key, and the provider answers with the first send's id without sending a second SMS;
with one that does not, it marks them ``failed`` ("outcome unknown") rather than risk a second
SMS: a person may miss a message, never get one twice. A retryable error after the request
reached the provider (no answer in time) is the same unknown, and handled the same way.

Before the claim, a message to a number that opted out since it was queued is skipped, and a
reminder or re-invitation whose appointment is no longer booked is withdrawn.

``messages_send`` must run outside a transaction (as the command does): each step commits on
its own, which is what makes the claim visible to other runs and survive a crash.
"""

import itertools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cancuoc.accounts.audit import audit_record
from cancuoc.accounts.scope import scope_for
from cancuoc.lib import clock
from cancuoc.planning.models import Station
from cancuoc.registry.selectors import persons_visible
from cancuoc.scheduling.messages import appointment_sms
from cancuoc.scheduling.models import Appointment, AppointmentState
from cancuoc.scheduling.services import Rebooking, appointments_rebook

from .gateways import Gateway, PermanentError, RetryableError
from .models import Campaign, CampaignStatus, Message, MessageKind, MessageState, OptOut, Template
from .segments import Segment, segment_persons
from .texts import phone_key, template_render

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=30)  # before the first retry, doubled before each next one
# A message ``sending`` for longer than this was left by a run that stopped (see above).
LEASE = timedelta(minutes=10)
BATCH = 1000


def template_create(*, name: str, text: str, unaccented: str = "") -> Template:
    """A template; the unaccented text, left out, is ``text`` without diacritics. Raises
    ValidationError when a placeholder is unknown or the unaccented text leaves no room for a
    name in one SMS."""
    template = Template(name=name, text=text, unaccented=unaccented)
    template.full_clean()
    template.save()
    return template


def campaign_create(
    *,
    name: str,
    template: Template,
    segment: Segment,
    scheduled_at: datetime,
    per_minute: int = 60,
    by=None,
) -> Campaign:
    return Campaign.objects.create(
        name=name,
        template=template,
        segment=segment.to_json(),
        scheduled_at=scheduled_at,
        per_minute=per_minute,
        created_by=by,
    )


@dataclass(frozen=True)
class QueueResult:
    queued: int
    opted_out: int  # queued as skipped: the number asked for no messages
    no_valid_phone: int  # left out: the number on record is not a Vietnamese number


def _queue(messages: Iterable[Message]) -> QueueResult:
    """Insert the messages whose key is not taken yet, a batch at a time, with the phone
    normalised; those to an opted-out number as ``skipped_opt_out``."""
    queued = opted_out = invalid = 0
    messages = iter(messages)
    for batch in iter(lambda: list(itertools.islice(messages, BATCH)), []):
        valid = []
        for message in batch:
            message.phone = phone_key(message.phone) or ""
            if message.phone:
                valid.append(message)
            else:
                invalid += 1
        taken = set(
            Message.objects.filter(key__in=[m.key for m in valid]).values_list("key", flat=True)
        )
        fresh = [m for m in valid if m.key not in taken]
        refused = set(
            OptOut.objects.filter(phone__in={m.phone for m in fresh}).values_list(
                "phone", flat=True
            )
        )
        for message in fresh:
            if message.phone in refused:
                message.state = MessageState.SKIPPED_OPT_OUT
                opted_out += 1
            else:
                queued += 1
        Message.objects.bulk_create(fresh, ignore_conflicts=True)
    return QueueResult(queued=queued, opted_out=opted_out, no_valid_phone=invalid)


def _campaign_messages(
    campaign: Campaign, rows: Iterable[tuple[int, str, str]]
) -> Iterable[Message]:
    template = campaign.template.unaccented
    for pk, name, phone in rows:
        yield Message(
            kind=MessageKind.CAMPAIGN,
            campaign=campaign,
            person_id=pk,
            phone=phone,
            text=template_render(template, full_name=name),
            key=f"campaign:{campaign.pk}:{pk}",
            not_before=campaign.scheduled_at,
        )


@transaction.atomic
def campaign_queue(*, campaign: Campaign, on: date | None = None) -> QueueResult:
    """One message for each person in the campaign's segment on ``on`` (default today), within
    the area of the user who made it, to be sent from its ``scheduled_at``. Queueing again adds
    only the people not queued yet. Raises ValueError for a cancelled campaign or a segment
    that cannot be read, LookupError for a unit or institution that is not there."""
    if campaign.status == CampaignStatus.CANCELLED:
        raise ValueError(_("Đợt nhắn tin này đã huỷ."))
    on = on or clock.today()
    scope = persons_visible(scope_for(campaign.created_by)) if campaign.created_by else None
    persons = segment_persons(Segment.from_json(campaign.segment), on=on, persons=scope)
    rows = persons.order_by("pk").values_list("pk", "full_name", "phone")
    result = _queue(_campaign_messages(campaign, rows.iterator(chunk_size=BATCH)))
    Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
        status=CampaignStatus.QUEUED
    )
    campaign.refresh_from_db(fields=["status"])
    audit_record(action="outreach_queue", obj=campaign, detail=asdict(result))
    return result


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, by=None) -> int:
    """Stop a campaign: its messages not sent yet are withdrawn. Returns how many."""
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CANCELLED)
    campaign.refresh_from_db(fields=["status"])
    withdrawn = campaign.messages.filter(state=MessageState.QUEUED).update(
        state=MessageState.WITHDRAWN
    )
    audit_record(user=by, action="outreach_cancel", obj=campaign, detail={"withdrawn": withdrawn})
    return withdrawn


def _appointment_messages(
    appointments: Iterable[Appointment], *, kind: str, now: datetime
) -> Iterable[Message]:
    for appointment in appointments:
        yield Message(
            kind=kind,
            person_id=appointment.person_id,
            appointment=appointment,
            phone=appointment.person.phone,
            key=f"{kind}:{appointment.pk}",
            not_before=now,
            text=appointment_sms(appointment=appointment).unaccented,
        )


def _with_phone(appointments) -> Iterable[Appointment]:
    return (
        appointments.exclude(person__phone="")
        .select_related("person", "slot__station")
        .order_by("pk")
        .iterator(chunk_size=BATCH)
    )


@transaction.atomic
def reminders_queue(*, day: date) -> QueueResult:
    """A reminder (nhắc lịch) on ``day`` for every appointment still booked for the day after,
    the appointment's own unaccented SMS; one per appointment however often it runs."""
    starts = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    due = Appointment.objects.filter(
        state=AppointmentState.BOOKED,
        slot__starts_at__gte=starts,
        slot__starts_at__lt=starts + timedelta(days=1),
    )
    result = _queue(
        _appointment_messages(_with_phone(due), kind=MessageKind.REMINDER, now=timezone.now())
    )
    audit_record(
        action="outreach_remind",
        object_type="outreach.message",
        object_id=day.isoformat(),
        detail=asdict(result),
    )
    return result


@dataclass(frozen=True)
class Reinvitation:
    rebooking: Rebooking
    messages: QueueResult


@transaction.atomic
def reinvite_no_shows(
    *, station: Station, on: date | None = None, after: datetime | None = None
) -> Reinvitation:
    """Rebook the station's no-shows (``appointments_rebook``), then tell everyone rebooked at
    the station, into a slot still to come, of their new time: one message per new
    appointment, including those rebooked earlier without one."""
    after = after or timezone.now()
    rebooking = appointments_rebook(station=station, on=on, after=after)
    rebooked = Appointment.objects.filter(
        slot__station=station,
        state=AppointmentState.BOOKED,
        rebooked_from__isnull=False,
        slot__starts_at__gt=after,
    )
    result = _queue(
        _appointment_messages(_with_phone(rebooked), kind=MessageKind.REINVITE, now=timezone.now())
    )
    audit_record(
        action="outreach_reinvite",
        obj=station,
        detail={"rebooked": rebooking.rebooked, **asdict(result)},
    )
    return Reinvitation(rebooking=rebooking, messages=result)


@transaction.atomic
def optout_record(*, phone: str, source: str = "sms") -> OptOut:
    """The number asks for no more messages (từ chối nhận tin): recorded once, and its
    messages still waiting are skipped. Raises ValueError for what is not a phone number."""
    key = phone_key(phone)
    if key is None:
        raise ValueError(_("Không phải số điện thoại."))
    optout, _created = OptOut.objects.get_or_create(phone=key, defaults={"source": source})
    skipped = Message.objects.filter(phone=key, state=MessageState.QUEUED).update(
        state=MessageState.SKIPPED_OPT_OUT
    )
    audit_record(
        action="outreach_optout", obj=optout, detail={"source": source, "skipped": skipped}
    )
    return optout


def message_delivery_record(*, provider_id: str, delivered: bool, error: str = "") -> int:
    """A provider's delivery report: the sent message with that id reached the handset, or
    never will. Returns how many messages it settled (0 for an unknown or repeated report)."""
    if delivered:
        change = {"state": MessageState.DELIVERED, "delivered_at": timezone.now()}
    else:
        change = {"state": MessageState.FAILED, "last_error": error[:200] or "not delivered"}
    return Message.objects.filter(provider_id=provider_id, state=MessageState.SENT).update(**change)


class Throttle:
    """Evenly spaced sends: at most ``per_minute`` a minute overall (None: no limit), and no
    faster than each campaign's own rate."""

    def __init__(
        self,
        per_minute: int | None,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self.per_minute = per_minute
        self.clock, self.sleep = clock, sleep
        self.next_at: dict[int | None, float] = {}  # by campaign; None: overall

    def wait(self, campaign: Campaign | None) -> None:
        lanes = {None: self.per_minute} if self.per_minute else {}
        if campaign is not None:
            lanes[campaign.pk] = campaign.per_minute
        now = self.clock()
        ready = max((self.next_at.get(lane, now) for lane in lanes), default=now)
        if ready > now:
            self.sleep(ready - now)
            now = ready
        for lane, per_minute in lanes.items():
            self.next_at[lane] = now + 60 / per_minute


@dataclass
class SendRun:
    sent: int = 0
    retrying: int = 0  # failed this time, queued again after a backoff
    failed: int = 0
    skipped_opt_out: int = 0
    withdrawn: int = 0  # its appointment is no longer booked
    resumed: int = 0  # left ``sending`` by a run that stopped: sent again under their key
    outcome_unknown: int = 0  # the same, through a gateway that ignores keys: failed


def _settle_abandoned(gateway: Gateway, *, lease: timedelta, run: SendRun) -> None:
    """Messages a stopped run left ``sending`` (see the module's notes)."""
    now = timezone.now()
    abandoned = Message.objects.filter(state=MessageState.SENDING, claimed_at__lt=now - lease)
    if gateway.honours_key:
        run.resumed = abandoned.update(state=MessageState.QUEUED, not_before=now)
    else:
        run.outcome_unknown = abandoned.update(
            state=MessageState.FAILED, last_error="outcome unknown: the run stopped mid-send"
        )


def _due() -> list[Message]:
    return list(
        Message.objects.filter(state=MessageState.QUEUED, not_before__lte=timezone.now())
        .select_related("campaign", "appointment")
        .order_by("not_before", "pk")[:BATCH]
    )


def _skip(message: Message, state: str) -> int:
    return Message.objects.filter(pk=message.pk, state=MessageState.QUEUED).update(state=state)


def _send_one(
    message: Message, gateway: Gateway, *, max_attempts: int, backoff: timedelta, run: SendRun
) -> None:
    claimed = Message.objects.filter(pk=message.pk, state=MessageState.QUEUED)
    if not claimed.update(
        state=MessageState.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    ):
        return  # another run took it, or it was opted out meanwhile
    attempts = message.attempts + 1
    mine = Message.objects.filter(pk=message.pk, state=MessageState.SENDING)
    try:
        result = gateway.send(message.phone, message.text, message.key)
    except RetryableError as error:
        if error.maybe_sent and not gateway.honours_key:
            mine.update(state=MessageState.FAILED, last_error=f"outcome unknown: {error}"[:200])
            run.failed += 1
        elif attempts >= max_attempts:
            mine.update(state=MessageState.FAILED, last_error=str(error)[:200])
            run.failed += 1
        else:
            wait = backoff * 2 ** (attempts - 1)
            mine.update(
                state=MessageState.QUEUED,
                not_before=timezone.now() + wait,
                last_error=str(error)[:200],
            )
            run.retrying += 1
        return
    except PermanentError as error:
        mine.update(state=MessageState.FAILED, last_error=str(error)[:200])
        run.failed += 1
        return
    mine.update(
        state=MessageState.SENT,
        provider_id=result.provider_id,
        sent_at=timezone.now(),
        last_error="",
    )
    run.sent += 1


def messages_send(
    *,
    gateway: Gateway,
    per_minute: int | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    backoff: timedelta = BACKOFF,
    lease: timedelta = LEASE,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_batch: Callable[[SendRun], None] | None = None,
) -> SendRun:
    """Send every due message through ``gateway``: at most ``per_minute`` a minute overall and
    no faster than each campaign's own rate; retryable errors tried again after ``backoff``,
    doubled each time, up to ``max_attempts`` sends. Runs until nothing is due; messages
    waiting for a retry further off are left for the next run. Outside a transaction only
    (see the module's notes). One audit event with the counts.

    ``on_batch(run)`` is called after each batch of messages, with the counts so far: a
    background job shows them, and may stop the run there by raising (each message is
    settled by then, so a later run carries on where this one stopped)."""
    run = SendRun()
    _settle_abandoned(gateway, lease=lease, run=run)
    throttle = Throttle(per_minute, clock=clock, sleep=sleep)
    try:
        while batch := _due():
            refused = set(
                OptOut.objects.filter(phone__in={m.phone for m in batch}).values_list(
                    "phone", flat=True
                )
            )
            for message in batch:
                if message.phone in refused:
                    run.skipped_opt_out += _skip(message, MessageState.SKIPPED_OPT_OUT)
                    continue
                if message.appointment and message.appointment.state != AppointmentState.BOOKED:
                    run.withdrawn += _skip(message, MessageState.WITHDRAWN)
                    continue
                throttle.wait(message.campaign)
                _send_one(message, gateway, max_attempts=max_attempts, backoff=backoff, run=run)
            if on_batch is not None:
                on_batch(run)
    finally:  # a run stopped between batches (a job cancelled) is audited with its counts
        audit_record(action="outreach_send", object_type="outreach.message", detail=asdict(run))
    pending = Message.objects.filter(
        campaign=OuterRef("pk"), state__in=[MessageState.QUEUED, MessageState.SENDING]
    )
    Campaign.objects.filter(~Exists(pending), status=CampaignStatus.QUEUED).update(
        status=CampaignStatus.DONE
    )
    logger.info("outreach send: %s", ", ".join(f"{k} {v}" for k, v in asdict(run).items()))
    return run
