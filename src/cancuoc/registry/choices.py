"""Choices of the register, shared by models, rules and files."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class DatePrecision(models.TextChoices):
    """How much of a date of birth is known. The stored date is the earliest it can be
    (1 January for a year only, the 1st for a month), so ages are never under-counted."""

    DAY = "D", _("Ngày")
    MONTH = "M", _("Tháng")
    YEAR = "Y", _("Năm")


class Presence(models.TextChoices):
    ALIVE = "alive", _("Đang cư trú")
    ABSENT = "absent", _("Vắng mặt khỏi nơi cư trú")
    DECEASED = "deceased", _("Đã chết")
    MOVED_OUT = "moved_out", _("Đã chuyển đi")
    # Living abroad (đang ở nước ngoài): still a resident of the register, but no unit in the
    # country can take them over, so they are never handed over; counted apart.
    ABROAD = "abroad", _("Đang ở nước ngoài")
    # A second record of someone already in the register, merged into that record (kept,
    # linked by Person.merged_into, never deleted).
    MERGED = "merged", _("Trùng, đã hợp nhất")


IN_REGISTER = [Presence.ALIVE, Presence.ABSENT, Presence.ABROAD]
# Not living at their residence: hard to reach, shown on the absent residents' page.
AWAY = [Presence.ABSENT, Presence.ABROAD]


class Relation(models.TextChoices):
    HEAD = "chu_ho", _("Chủ hộ")
    SPOUSE = "vo_chong", _("Vợ/chồng")
    CHILD = "con", _("Con")
    PARENT = "cha_me", _("Cha/mẹ")
    GRANDCHILD = "chau", _("Cháu")
    GRANDPARENT = "ong_ba", _("Ông/bà")
    SIBLING = "anh_chi_em", _("Anh/chị/em")
    OTHER = "khac", _("Khác")


class ResidenceKind(models.TextChoices):
    PERMANENT = "P", _("Thường trú")
    TEMPORARY = "T", _("Tạm trú")


class CardKind(models.TextChoices):
    CMND_9 = "cmnd9", _("CMND 9 số")
    CMND_12 = "cmnd12", _("CMND 12 số")
    CCCD_BARCODE = "cccd_barcode", _("CCCD mã vạch")
    CCCD_CHIP = "cccd_chip", _("CCCD gắn chip")
    CAN_CUOC = "can_cuoc", _("Thẻ căn cước")


class ResidenceBasis(models.TextChoices):
    """Where a person is counted: by permanent residence, temporary residence, or where they
    actually live (temporary if they have one in force, else permanent), counted once."""

    PERMANENT = "permanent", _("Theo nơi thường trú")
    TEMPORARY = "temporary", _("Theo nơi tạm trú")
    BOTH = "both", _("Theo nơi đang sinh sống")
