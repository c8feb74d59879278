"""Administrative units as a tree of any depth, and institutions.

The tree is a materialised path: each unit stores the ids of its ancestors and itself as
fixed-width digit segments (8 digits each). A subtree is then one range scan on one b-tree
index, ``path >= P AND path < P+1``, the same SQL on SQLite and PostgreSQL, whatever the
collation (digits sort alike in all of them). A closure table would answer the same query but
needs a second table with one row per ancestor pair, kept in step on every bulk load; units
are few (tens of thousands), rarely moved and at most four levels deep, so paths are simpler.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cancuoc.lib.geo import SEGMENT
from cancuoc.lib.text import strip_diacritics


class Reorganisation(models.TextChoices):
    PRE_2025 = "pre2025", _("Trước 01/7/2025 (63 tỉnh, có cấp huyện)")
    Y2025 = "2025", _("Từ 01/7/2025 (34 tỉnh, không cấp huyện)")


# How a unit of the map before 1 July 2025 is named in URLs and on the command line
# ("2021:91" is Kiên Giang as it was); a bare code is today's.
OLD_MAP_PREFIX = "2021:"


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    DISTRICT = "huyen", _("Huyện/quận/thị xã/thành phố thuộc tỉnh")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    TOWNSHIP = "thi_tran", _("Thị trấn")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")
    VILLAGE = "thon", _("Thôn/xóm/bản/làng/ấp")
    RESIDENTIAL_GROUP = "to_dan_pho", _("Tổ dân phố/khu phố")


PROVINCE_KINDS = {UnitKind.PROVINCE, UnitKind.CITY}
COMMUNE_KINDS = {UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE}
VILLAGE_KINDS = {UnitKind.VILLAGE, UnitKind.RESIDENTIAL_GROUP}


def path_upper_bound(path: str) -> str:
    """The smallest path that is not in the subtree of ``path``."""
    return str(int(path) + 1).zfill(len(path))


class UnitQuerySet(models.QuerySet):
    def subtree(self, unit: "AdministrativeUnit") -> "UnitQuerySet":
        """The unit and all units below it: one indexed range scan."""
        return self.filter(path__gte=unit.path, path__lt=path_upper_bound(unit.path))

    def current(self) -> "UnitQuerySet":
        return self.filter(reorganisation=Reorganisation.Y2025)

    def former(self) -> "UnitQuerySet":
        """Units of the map before 1 July 2025 (63 provinces, with districts)."""
        return self.filter(reorganisation=Reorganisation.PRE_2025)

    def districts(self) -> "UnitQuerySet":
        return self.filter(kind=UnitKind.DISTRICT)

    def provinces(self) -> "UnitQuerySet":
        return self.filter(kind__in=PROVINCE_KINDS)

    def communes(self) -> "UnitQuerySet":
        return self.filter(kind__in=COMMUNE_KINDS)

    def villages(self) -> "UnitQuerySet":
        return self.filter(kind__in=VILLAGE_KINDS)


class AdministrativeUnit(models.Model):
    reorganisation = models.CharField(
        _("phương án sắp xếp"), max_length=8, choices=Reorganisation.choices
    )
    code = models.CharField(_("mã"), max_length=16)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    # The name in lower case without diacritics ("xa mot"): searched by ``search_units``.
    search_key = models.CharField(max_length=200, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False)
    is_remote = models.BooleanField(_("vùng sâu, vùng xa"), default=False)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["reorganisation", "code"], name="unit_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_key = self.search_key_for(self.name)
        super().save(*args, **kwargs)

    @property
    def url_code(self) -> str:
        """The code that names the unit in a URL, on either map (``unit_by_code``)."""
        if self.reorganisation == Reorganisation.Y2025:
            return self.code
        return OLD_MAP_PREFIX + self.code

    @property
    def on_old_map(self) -> bool:
        return self.reorganisation != Reorganisation.Y2025

    @staticmethod
    def search_key_for(name: str) -> str:
        return " ".join(strip_diacritics(name).lower().split())

    @staticmethod
    def path_for(unit_id: int, parent_path: str = "") -> str:
        return parent_path + str(unit_id).zfill(SEGMENT)

    def ancestors(self) -> UnitQuerySet:
        prefixes = [self.path[:end] for end in range(SEGMENT, len(self.path), SEGMENT)]
        return AdministrativeUnit.objects.filter(path__in=prefixes).order_by("depth")


class UnitSuccession(models.Model):
    """The old unit (map before 1 July 2025: a commune, or an island district that had no
    communes) became, in whole or in part, the new unit (map of 2025). An old commune divided
    between several new ones has one row per part and exactly one default: the unit a
    record names when its address does not say which part."""

    old = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="successions",
        db_index=False,  # the unique constraint below leads with it
        verbose_name=_("đơn vị trước 01/7/2025"),
    )
    new = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("đơn vị từ 01/7/2025"),
    )
    is_default = models.BooleanField(_("mặc định"), default=True)

    class Meta:
        verbose_name = _("đơn vị kế thừa")
        verbose_name_plural = _("đơn vị kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["old", "new"], name="succession_unique"),
            models.UniqueConstraint(
                fields=["old"], condition=Q(is_default=True), name="succession_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_id} -> {self.new_id}"


class InstitutionKind(models.TextChoices):
    SCHOOL = "school", _("Trường học")
    ENTERPRISE = "enterprise", _("Doanh nghiệp/nhà máy")
    BARRACKS = "barracks", _("Doanh trại")
    AGENCY = "agency", _("Cơ quan")
    OTHER = "other", _("Khác")


class Institution(models.Model):
    """A school, factory, barracks or agency whose members are enrolled there as a group."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=16, choices=InstitutionKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    deadline = models.DateField(_("hạn hoàn thành"), null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")

    def __str__(self) -> str:
        return self.name


class InstitutionMember(models.Model):
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("cơ quan, tổ chức"),
    )
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("công dân"),
    )
    role = models.CharField(_("vai trò"), max_length=64, blank=True)
    since = models.DateField(_("từ ngày"), null=True, blank=True)
    until = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")
        constraints = [
            models.UniqueConstraint(fields=["institution", "person"], name="member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}:{self.person_id}"

    @staticmethod
    def active_on_q(day) -> Q:
        return (Q(since__isnull=True) | Q(since__lte=day)) & (
            Q(until__isnull=True) | Q(until__gt=day)
        )
