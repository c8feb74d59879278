"""The population register (cơ sở dữ liệu dân cư): persons, households, residences, cards."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cancuoc.geo.mapping import todays_units_of
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.lib.validators import refuse_unsafe_characters

from .choices import (
    IN_REGISTER,
    CardKind,
    DatePrecision,
    Presence,
    Relation,
    ResidenceBasis,
    ResidenceKind,
    Sex,
)
from .dates import years_before
from .eligibility import EligibilityPolicy, Need, policy_in_force


class Household(models.Model):
    """Hộ gia đình; its members point to it with their relation to the head (chủ hộ)."""

    code = models.CharField(_("mã hộ"), max_length=32)
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    address = models.CharField(
        _("địa chỉ"), max_length=255, blank=True, validators=[refuse_unsafe_characters]
    )
    head = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("chủ hộ"),
    )

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        constraints = [models.UniqueConstraint(fields=["code"], name="household_code_unique")]

    def __str__(self) -> str:
        return self.code


class PersonQuerySet(models.QuerySet):
    """Filters that read like the domain: ``Person.objects.living_in(unit, on=day)
    .needing_card(on=day)``. Card and Residence are defined below; the methods look them up
    when called."""

    def in_register(self) -> "PersonQuerySet":
        """Alive and still resident (absent people are; the deceased and moved out are not)."""
        return self.filter(presence__in=IN_REGISTER)

    def aged_at_least(self, years: int, *, on: date) -> "PersonQuerySet":
        return self.filter(birth_date__lte=years_before(on, years))

    def living_in(
        self, unit: AdministrativeUnit, *, on: date, basis: str = ResidenceBasis.BOTH
    ) -> "PersonQuerySet":
        """People whose residence in force on ``on`` lies in the subtree of ``unit``. With
        ``BOTH`` a person counts where they actually live: at their temporary residence if
        one is in force, else at their permanent one, so nobody is counted twice."""
        units = AdministrativeUnit.objects.subtree(unit).values("pk")
        old_map = unit.on_old_map
        if basis == ResidenceBasis.BOTH:
            place = {"former_unit__in": units} if old_map else {"unit__in": units}
            here = Home.objects.active_on(on).filter(**place)
        else:
            kind = (
                ResidenceKind.PERMANENT
                if basis == ResidenceBasis.PERMANENT
                else ResidenceKind.TEMPORARY
            )
            if old_map:  # as recorded, else where today's unit counts (Home.former_unit)
                place = Q(recorded_unit__in=units) | Q(
                    recorded_unit__isnull=True, unit__in=todays_units_of(unit).values("pk")
                )
            else:
                place = Q(unit__in=units)
            here = Residence.objects.active_on(on).filter(place, kind=kind)
        return self.filter(pk__in=here.values("person_id"))

    def _cards(self, kinds, on: date) -> "models.QuerySet[Card]":
        return Card.objects.filter(person=OuterRef("pk"), kind__in=kinds, issued_on__lte=on)

    def _cards_in_force(self, on: date, policy: EligibilityPolicy) -> "models.QuerySet[Card]":
        """Cards of a kind the policy counts on ``on``, not expired (lost ones included)."""
        return self._cards(policy.kinds_valid_on(on), on).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gt=on)
        )

    def holding_valid_card(self, *, on: date, policy: EligibilityPolicy | None = None) -> Exists:
        policy = policy or policy_in_force(on)
        kept = Q(lost_on__isnull=True) | Q(lost_on__gt=on)
        return Exists(self._cards_in_force(on, policy).filter(kept))

    def needing_card(
        self, *, on: date, policy: EligibilityPolicy | None = None
    ) -> "PersonQuerySet":
        """In the register, old enough, and without a valid card of a kind the policy counts;
        annotated with ``need``: a replacement (cấp lại) when their card in force was reported
        lost or damaged, a change (cấp đổi) when they hold or held any other identity card
        (CMND, barcode CCCD, an expired card), else a first card (cấp mới)."""
        policy = policy or policy_in_force(on)
        return (
            self.in_register()
            .aged_at_least(policy.minimum_age, on=on)
            .filter(~self.holding_valid_card(on=on, policy=policy))
            .annotate(
                need=Case(
                    When(
                        Exists(self._cards_in_force(on, policy).filter(lost_on__lte=on)),
                        then=Value(Need.REPLACE.value),
                    ),
                    When(Exists(self._cards(CardKind, on)), then=Value(Need.CHANGE.value)),
                    default=Value(Need.FIRST.value),
                    output_field=models.CharField(),
                )
            )
        )


class Person(models.Model):
    # Unique when present, by a partial constraint (see Meta).
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    # A number that failed validation is kept here as typed, for correction, never matched on.
    unverified_id = models.CharField(_("số định danh chưa hợp lệ"), max_length=32, blank=True)
    full_name = models.CharField(
        _("họ, chữ đệm và tên"), max_length=200, validators=[refuse_unsafe_characters]
    )
    name_key = models.CharField(max_length=200, editable=False)
    sort_key = models.CharField(max_length=255, editable=False)
    birth_date = models.DateField(_("ngày sinh"))
    birth_date_precision = models.CharField(
        _("độ chính xác của ngày sinh"),
        max_length=1,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(
        _("dân tộc"), max_length=64, blank=True, validators=[refuse_unsafe_characters]
    )
    religion = models.CharField(
        _("tôn giáo"), max_length=64, blank=True, validators=[refuse_unsafe_characters]
    )
    nationality = models.CharField(
        _("quốc tịch"), max_length=64, default="Việt Nam", validators=[refuse_unsafe_characters]
    )
    birth_registration_place = models.CharField(
        _("nơi đăng ký khai sinh"), max_length=255, blank=True
    )
    native_place = models.CharField(
        _("quê quán"), max_length=255, blank=True, validators=[refuse_unsafe_characters]
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("hộ gia đình"),
    )
    relation_to_head = models.CharField(
        _("quan hệ với chủ hộ"), max_length=16, choices=Relation.choices, blank=True
    )
    presence = models.CharField(
        _("tình trạng"), max_length=16, choices=Presence.choices, default=Presence.ALIVE
    )
    presence_since = models.DateField(_("tình trạng từ ngày"), null=True, blank=True)
    whereabouts = models.CharField(
        _("nơi ở hiện tại khi vắng mặt"),
        max_length=255,
        blank=True,
        validators=[refuse_unsafe_characters],
    )
    # Set with presence MERGED: the record this one was found to duplicate.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        verbose_name=_("hợp nhất vào"),
    )
    source = models.CharField(_("nguồn"), max_length=64, blank=True)
    source_ref = models.CharField(_("mã bản ghi nguồn"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), db_default=Now(), editable=False)
    updated_at = models.DateTimeField(_("sửa lúc"), db_default=Now(), editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=~Q(personal_id=""),
                name="person_personal_id_unique",
            ),
            models.UniqueConstraint(
                fields=["source", "source_ref"],
                condition=~Q(source_ref=""),
                name="person_source_ref_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class PeriodQuerySet(models.QuerySet):
    """For rows that hold from ``start_date`` (or always) until ``end_date`` (or still)."""

    def active_on(self, day: date) -> "PeriodQuerySet":
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gt=day),
        )


class Residence(models.Model):
    # No single-column indexes: the composite ones below lead with these columns.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="residences", db_index=False
    )
    kind = models.CharField(_("loại"), max_length=1, choices=ResidenceKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("đơn vị"),
    )
    # The unit as the source recorded it when that is a unit of the map before 1 July 2025
    # (``unit`` is always today's: geo.mapping.resolve_unit). No index: reports by the old map
    # read it together with ``unit`` from rows the covering indexes already find.
    recorded_unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("đơn vị như đã ghi"),
    )
    address = models.CharField(
        _("địa chỉ"), max_length=255, blank=True, validators=[refuse_unsafe_characters]
    )
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("nơi cư trú")
        verbose_name_plural = _("nơi cư trú")
        # Covering: worklists read residences by unit and by person from the index alone.
        indexes = [
            models.Index(
                fields=["unit", "kind"],
                include=["person", "start_date", "end_date"],
                name="residence_unit_kind",
            ),
            models.Index(
                fields=["person", "kind"],
                include=["unit", "start_date", "end_date"],
                name="residence_person_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.unit_id}"


class Home(models.Model):
    """Where a person is counted, and from when to when: at their temporary residence while
    one is in force, else at their permanent one. Derived from the residences by
    ``registry.homes`` and kept with them by the register's services, so that "who lives
    here on this day, counted once" is one index range scan instead of a probe per person."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="homes")
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("đơn vị"),
    )
    # The same place on the map before 1 July 2025: the old commune the residence recorded,
    # else the one today's unit counts in (geo.mapping.former_places); null while the two
    # maps are not linked. Figures asked by the old map count a person here, once.
    former_unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("đơn vị trước 01/7/2025"),
    )
    kind = models.CharField(_("loại"), max_length=1, choices=ResidenceKind.choices)
    start_date = models.DateField(_("từ ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("nơi sinh sống")
        verbose_name_plural = _("nơi sinh sống")
        indexes = [
            # Covering: a worklist page finds who lives in a village, and the kind of their
            # home, from the index alone.
            models.Index(
                fields=["unit"],
                include=["person", "start_date", "end_date", "kind"],
                name="home_unit_covering",
            ),
            models.Index(
                fields=["former_unit"],
                include=["person", "start_date", "end_date"],
                name="home_former_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.unit_id}"


class Card(models.Model):
    """An identity document the person holds or held (CMND, CCCD, thẻ căn cước)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="cards", db_index=False
    )
    kind = models.CharField(_("loại"), max_length=16, choices=CardKind.choices)
    number = models.CharField(_("số"), max_length=12)
    issued_on = models.DateField(_("ngày cấp"))
    # "Có giá trị đến" as printed, or computed by registry.cards.card_expiry; null: no expiry.
    expires_on = models.DateField(_("có giá trị đến"), null=True, blank=True)
    # Reported lost or damaged (báo mất, hỏng) from this day: no longer counts as a card held.
    lost_on = models.DateField(_("báo mất, hỏng từ ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("giấy tờ tùy thân")
        verbose_name_plural = _("giấy tờ tùy thân")
        indexes = [
            # Covering: "holds a valid card on this day" (issued, not expired, not reported
            # lost) is answered from the index, one probe per person of a worklist.
            models.Index(
                fields=["person", "kind"],
                include=["issued_on", "expires_on", "lost_on"],
                name="card_person_kind_covering",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issued_on:%d/%m/%Y}"


class PersonChange(models.Model):
    """One field of a person changed: the register's history (before/after, who, why)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("trường"), max_length=64)
    old_value = models.TextField(_("giá trị cũ"), blank=True)
    new_value = models.TextField(_("giá trị mới"), blank=True)
    changed_at = models.DateTimeField(_("lúc"), db_default=Now())
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người sửa"),
    )
    source = models.CharField(_("nguồn"), max_length=64)
    reason = models.TextField(_("lý do"), blank=True)

    class Meta:
        verbose_name = _("lịch sử thay đổi")
        verbose_name_plural = _("lịch sử thay đổi")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.changed_at:%d/%m/%Y %H:%M}"


class HandoverState(models.TextChoices):
    REQUESTED = "requested", _("Đã đề nghị")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    REFUSED = "refused", _("Từ chối")


class Handover(models.Model):
    """Bàn giao: a resident absent from home (vắng mặt) handed to the unit where they live now,
    so that unit enrols them. Once accepted, the person has a temporary residence there and
    is on that unit's worklist and in its figures, and on no other."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="handovers")
    from_unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi đi")
    )
    to_unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi đến")
    )
    whereabouts = models.CharField(_("địa chỉ nơi ở hiện tại"), max_length=255, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=HandoverState.choices,
        default=HandoverState.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người đề nghị"),
    )
    requested_at = models.DateTimeField(_("đề nghị lúc"), db_default=Now())
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    reason = models.CharField(_("lý do từ chối"), max_length=255, blank=True)
    residence = models.OneToOneField(
        Residence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bàn giao người vắng mặt")
        verbose_name_plural = _("bàn giao người vắng mặt")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(state="requested"), name="handover_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.from_unit_id} → {self.to_unit_id}"


class CorrectionState(models.TextChoices):
    FILED = "filed", pgettext_lazy("correction", "Đã tiếp nhận")
    APPLIED = "applied", _("Đã duyệt, đã sửa")
    REJECTED = "rejected", _("Từ chối")


class CorrectionRequest(models.Model):
    """Phiếu DC02: a request to change named fields of a person, with its reason and the
    paper that proves it; reviewed, then applied whole (each change in the person's history)
    or rejected with a reason. Kept either way."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="corrections")
    changes = models.JSONField(_("nội dung đề nghị sửa"))  # field → new value, as text
    reason = models.TextField(_("lý do"))
    evidence = models.CharField(_("giấy tờ chứng minh"), max_length=255)
    state = models.CharField(
        _("trạng thái"),
        max_length=16,
        choices=CorrectionState.choices,
        default=CorrectionState.FILED,
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người lập"),
    )
    filed_at = models.DateTimeField(_("lập lúc"), db_default=Now())
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    reviewed_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    review_note = models.CharField(_("ý kiến người duyệt"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("phiếu điều chỉnh (DC02)")
        verbose_name_plural = _("phiếu điều chỉnh (DC02)")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"DC02 #{self.pk}"
