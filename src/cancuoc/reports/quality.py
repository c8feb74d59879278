"""How good a unit's part of the register is, by the seeds' four words: đúng (correct), đủ
(complete), sạch (clean: no person twice), sống (alive: the deceased and moved-out marked).
Each figure is "n of N (x%)", as the provinces reported "1.795.521/1.833.740 nhân khẩu, đạt
98%", and each has the list of the people behind its shortfall.

"Clean" is two figures: nobody shares a name key and date of birth with someone else (the
exact check), and nobody is in a pair the matcher (cancuoc.dedup, Splink) left for review;
the pairs it merged are out of the register, and so out of every figure."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from cancuoc.dedup.models import MatchPair
from cancuoc.geo.models import AdministrativeUnit
from cancuoc.registry.choices import IN_REGISTER, Presence
from cancuoc.registry.dates import years_before
from cancuoc.registry.models import Person, PersonQuerySet

OLDEST = 120  # a date of birth further back is a typing error
# DC01 fields a record needs besides name, date of birth and sex (which the register requires).
REQUIRED_FIELDS = ["ethnicity", "native_place", "household"]
# Out of the register as people who left it; merged records are a second copy of someone.
LEFT = [Presence.DECEASED, Presence.MOVED_OUT]


@dataclass(frozen=True)
class Figure:
    word: str  # đúng, đủ, sạch, sống
    label: str
    good: int
    total: int
    shortfall: str  # name of the list of the people behind the gap

    @property
    def percent(self) -> float | None:
        return 100 * self.good / self.total if self.total else None


def _residents(unit: AdministrativeUnit, on: date) -> PersonQuerySet:
    """Everyone registered in the unit's subtree on ``on``, whatever their state."""
    return Person.objects.living_in(unit, on=on)


def quality_lists(unit: AdministrativeUnit, on: date) -> dict[str, PersonQuerySet]:
    """The people behind each shortfall, by list name."""
    people = _residents(unit, on).in_register()
    twins = Person.objects.filter(
        name_key=OuterRef("name_key"),
        birth_date=OuterRef("birth_date"),
        presence__in=IN_REGISTER,
    ).exclude(pk=OuterRef("pk"))
    pending = MatchPair.objects.to_review()  # a few hundred pairs in a province of millions
    incomplete = Q()
    for name in REQUIRED_FIELDS:
        incomplete |= Q(**{f"{name}__isnull": True}) if name == "household" else Q(**{name: ""})
    return {
        "invalid_id": people.filter(personal_id="").exclude(unverified_id=""),
        "no_id": people.filter(personal_id="", unverified_id=""),
        "implausible_birth": people.filter(
            Q(birth_date__gt=on) | Q(birth_date__lt=years_before(on, OLDEST))
        ),
        "incomplete": people.filter(incomplete),
        "same_name_and_birth": people.filter(Exists(twins)),
        "to_review": people.filter(
            Q(pk__in=pending.values("left")) | Q(pk__in=pending.values("right"))
        ),
        "left": _residents(unit, on).filter(presence__in=LEFT),
    }


def quality_figures(unit: AdministrativeUnit, on: date) -> list[Figure]:
    lists = quality_lists(unit, on)
    in_register = _residents(unit, on).in_register().count()
    states = dict(_residents(unit, on).values_list("presence").annotate(n=Count("pk")).order_by())
    left = sum(states.get(state, 0) for state in LEFT)

    def figure(word: str, label: str, bad: int, name: str) -> Figure:
        return Figure(word, label, in_register - bad, in_register, name)

    return [
        figure(
            _("đúng"),
            _("số định danh hợp lệ"),
            lists["invalid_id"].count() + lists["no_id"].count(),
            "invalid_id",
        ),
        figure(
            _("đúng"),
            _("ngày sinh hợp lý"),
            lists["implausible_birth"].count(),
            "implausible_birth",
        ),
        figure(_("đủ"), _("đủ thông tin phiếu DC01"), lists["incomplete"].count(), "incomplete"),
        figure(
            _("sạch"),
            _("không trùng họ tên và ngày sinh"),
            lists["same_name_and_birth"].count(),
            "same_name_and_birth",
        ),
        figure(
            _("sạch"),
            _("không có cặp nghi trùng chờ xem xét"),
            lists["to_review"].count(),
            "to_review",
        ),
        Figure(
            _("sống"),
            _("còn sống, còn cư trú; người đã chết, đã chuyển đi được đánh dấu và ngoài chỉ tiêu"),
            in_register,
            in_register + left,
            "left",
        ),
    ]
