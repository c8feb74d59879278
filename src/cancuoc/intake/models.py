"""Applications taken at stations (hồ sơ cấp thẻ) and the card's life cycle."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cancuoc.geo.models import AdministrativeUnit
from cancuoc.planning.models import Kit, Station
from cancuoc.registry.models import Person


class CardState(models.TextChoices):
    """The life of one application, from capture to the card in the citizen's hand."""

    CAPTURED = "captured", _("Đã thu nhận")
    REJECTED = "rejected", _("Phải thu nhận lại")
    APPROVED = "approved", _("Đã duyệt")
    IN_PRODUCTION = "in_production", _("Đã chuyển sản xuất")
    PRODUCED = "produced", _("Đã sản xuất")
    DELIVERED = "delivered", _("Đã chuyển về địa phương")
    HANDED_OVER = "handed_over", _("Đã trả thẻ")


# Which state may follow which (a rejection sends the person back to be captured again).
NEXT_STATES = {
    CardState.CAPTURED: {CardState.APPROVED, CardState.REJECTED},
    CardState.APPROVED: {CardState.IN_PRODUCTION, CardState.REJECTED},
    CardState.IN_PRODUCTION: {CardState.PRODUCED, CardState.REJECTED},
    CardState.PRODUCED: {CardState.DELIVERED},
    CardState.DELIVERED: {CardState.HANDED_OVER},
    CardState.HANDED_OVER: set(),
    CardState.REJECTED: set(),
}
# An application in one of these states is still on its way to a card.
OPEN_STATES = [s for s in CardState if s not in (CardState.REJECTED, CardState.HANDED_OVER)]


class Application(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications")
    # Where the person is counted (their home) when they applied, or the station's unit.
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    # The same home on the map before 1 July 2025 (Home.former_unit): its figures by the old
    # map count the application there.
    former_unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="applications")
    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="+")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    ended_at = models.DateTimeField(_("kết thúc"))
    walk_in = models.BooleanField(_("không hẹn trước"), default=False)
    state = models.CharField(max_length=16, choices=CardState.choices)
    state_since = models.DateTimeField()
    reason = models.CharField(_("lý do"), max_length=255, blank=True)
    # The client's key for this submission: the same key twice is one application.
    idempotency_key = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("hồ sơ cấp thẻ")
        verbose_name_plural = _("hồ sơ cấp thẻ")
        indexes = [
            models.Index(fields=["person", "state"], name="application_person_state"),
            models.Index(fields=["unit", "state", "state_since"], name="application_unit_state"),
            # "Has an application on its way?" for every person of a worklist: one index-only
            # probe, not one search per open state and a read of the table (the predicate is
            # the one scheduling.worklists.without_open_application writes).
            models.Index(
                fields=["person"],
                include=["started_at"],
                condition=models.Q(state__in=OPEN_STATES),
                name="application_open_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_state_display()}"


class CardEvent(models.Model):
    """One step of an application's life, for ageing and history."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    state = models.CharField(max_length=16, choices=CardState.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.CharField(_("lô sản xuất"), max_length=64, blank=True)
    reason = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("bước xử lý thẻ")
        verbose_name_plural = _("bước xử lý thẻ")

    def __str__(self) -> str:
        return f"{self.application_id} {self.state} {self.at:%d/%m/%Y}"
