"""Rosters of schools, factories, barracks and agencies (the seeds: agencies list their own
staff by 30 April; schools have students enrol at school): each row is matched to a person
of the register, who becomes a member of the institution with their class, shift or
department, and so appears on the institution's worklist with its deadline.

A roster is short and has its own columns (no residence, often no sex): it is read by the
person import's reader (readers.py: header anywhere, several sheets, CSV encodings) with its
own columns; dates and numbers are understood as in the person import."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.models import Institution, InstitutionMember
from cancuoc.lib.text import name_keys
from cancuoc.registry.models import Person

from .errors import ImportRowError
from .limits import ImportLimits, file_check
from .mapping import Columns, header_key
from .parsing import digits, parse_date, text
from .readers import SourceRow, file_facts, file_layout, file_rows

ROSTER_COLUMNS = {
    "full_name": ["Họ và tên", "Họ tên", "Họ, chữ đệm và tên", "Họ, chữ đệm, tên"],
    "birth_date": ["Ngày sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh"],
    "personal_id": [
        "Số định danh cá nhân",
        "Số định danh",
        "Số CCCD",
        "Số CMND/CCCD",
        "Số CMND",
        "CCCD",
    ],
    "role": ["Lớp", "Ca", "Ca làm việc", "Phòng ban", "Bộ phận", "Chức vụ", "Vai trò", "Đơn vị"],
}


def roster_columns() -> Columns:
    return Columns(
        headers={name: aliases[0] for name, aliases in ROSTER_COLUMNS.items()},
        aliases={
            header_key(alias): name for name, aliases in ROSTER_COLUMNS.items() for alias in aliases
        },
        required=("full_name", "birth_date"),
        what_vi="danh sách có cột Họ và tên, Ngày sinh",
        what_en="a roster with the columns full name and date of birth",
    )


@dataclass
class RosterResult:
    rows: int = 0
    added: int = 0  # new members
    already: int = 0  # members already, their role brought up to date
    rejected: list[ImportRowError] = field(default_factory=list)


def _person(row: SourceRow) -> Person:
    cells: dict[str, Any] = row.cells

    def problem(name: str, vi: str, en: str) -> ImportRowError:
        return ImportRowError(
            sheet=row.sheet_name,
            row=row.number,
            column=row.header(name),
            message_vi=vi,
            message_en=en,
        )

    name = text(cells["full_name"])
    try:
        born, _ = parse_date(cells["birth_date"])
    except ValueError as error:
        raise problem(
            "birth_date", f"ngày sinh không đọc được: {error}", f"unreadable date of birth: {error}"
        ) from error
    number = digits(cells.get("personal_id"), "personal_id") if "personal_id" in cells else ""
    if number:
        found = list(Person.objects.filter(personal_id=number)[:2])
        if found and found[0].birth_date != born:
            raise problem(
                "birth_date",
                "ngày sinh khác với cơ sở dữ liệu dân cư",
                "date of birth differs from the register's",
            )
    else:
        found = list(Person.objects.filter(name_key=name_keys(name)[0], birth_date=born)[:2])
    if not found:
        raise problem(
            "personal_id" if number else "full_name",
            "không có trong cơ sở dữ liệu dân cư",
            "not in the register",
        )
    if len(found) > 1:
        raise problem(
            "full_name",
            "nhiều người cùng họ tên và ngày sinh: cần số định danh",
            "several people share this name and date of birth: give the ID number",
        )
    return found[0]


@transaction.atomic
def roster_import(
    *,
    institution: Institution,
    path: Path,
    on: date,
    deadline: date | None = None,
    dry_run: bool = False,
    by=None,
) -> RosterResult:
    """Make every row's person a member of ``institution`` from ``on`` (with the row's class,
    shift or department); rows that match nobody, or several people, are rejected with the
    reason. All or nothing; ``dry_run`` rolls it back. ``deadline``, when given, becomes the
    institution's."""
    facts = file_facts(path)
    limits = ImportLimits.from_settings(upload=True)  # a roster is short
    file_check(path, facts.encoding, limits)
    layout = file_layout(path, facts, roster_columns(), limits)
    result = RosterResult()
    members = {m.person_id: m for m in InstitutionMember.objects.filter(institution=institution)}
    for row in file_rows(path, facts, layout):
        if not text(row.cells["full_name"]):
            continue  # a note under the list, not a person
        result.rows += 1
        try:
            person = _person(row)
        except ImportRowError as error:
            result.rejected.append(error)
            continue
        role = text(row.cells.get("role"))[:64]
        member = members.get(person.pk)
        if member is None:
            members[person.pk] = InstitutionMember.objects.create(
                institution=institution, person=person, role=role, since=on
            )
            result.added += 1
        else:
            if role and member.role != role:
                member.role = role
                member.save(update_fields=["role"])
            result.already += 1
    if deadline is not None:
        institution.deadline = deadline
        institution.save(update_fields=["deadline"])
    audit_record(
        action="roster-import",
        obj=institution,
        user=by,
        detail={"rows": result.rows, "added": result.added, "rejected": len(result.rejected)},
    )
    if dry_run:
        transaction.set_rollback(True)
    return result
