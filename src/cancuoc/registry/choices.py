"""Choices of the register, shared by models, rules and files."""

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class DatePrecision(models.TextChoices):
    """How much of a date of birth is known. The stored date is the earliest it can be
    (1 January for a year only, the 1st for a month), so ages are never under-counted."""

    DAY = "D", "Ngày"
    MONTH = "M", "Tháng"
    YEAR = "Y", "Năm"


class Presence(models.TextChoices):
    ALIVE = "alive", "Đang cư trú"
    ABSENT = "absent", "Vắng mặt khỏi nơi cư trú"
    DECEASED = "deceased", "Đã chết"
    MOVED_OUT = "moved_out", "Đã chuyển đi"
    # A second record of someone already in the register, merged into that record (kept,
    # linked by Person.merged_into, never deleted).
    MERGED = "merged", "Trùng, đã hợp nhất"


IN_REGISTER = [Presence.ALIVE, Presence.ABSENT]


class Relation(models.TextChoices):
    HEAD = "chu_ho", "Chủ hộ"
    SPOUSE = "vo_chong", "Vợ/chồng"
    CHILD = "con", "Con"
    PARENT = "cha_me", "Cha/mẹ"
    GRANDCHILD = "chau", "Cháu"
    GRANDPARENT = "ong_ba", "Ông/bà"
    SIBLING = "anh_chi_em", "Anh/chị/em"
    OTHER = "khac", "Khác"


class ResidenceKind(models.TextChoices):
    PERMANENT = "P", "Thường trú"
    TEMPORARY = "T", "Tạm trú"


class CardKind(models.TextChoices):
    CMND_9 = "cmnd9", "CMND 9 số"
    CMND_12 = "cmnd12", "CMND 12 số"
    CCCD_BARCODE = "cccd_barcode", "CCCD mã vạch"
    CCCD_CHIP = "cccd_chip", "CCCD gắn chip"
    CAN_CUOC = "can_cuoc", "Thẻ căn cước"


class ResidenceBasis(models.TextChoices):
    """Where a person is counted: by permanent residence, temporary residence, or where they
    actually live (temporary if they have one in force, else permanent), counted once."""

    PERMANENT = "permanent", "Theo nơi thường trú"
    TEMPORARY = "temporary", "Theo nơi tạm trú"
    BOTH = "both", "Theo nơi đang sinh sống"
