"""Rosters of schools, factories, barracks and agencies (the seeds: agencies list their own
staff by 30 April; schools have students enrol at school): each row is matched to a person
of the register, who becomes a member of the institution with their class, shift or
department, and so appears on the institution's worklist with its deadline.

A roster is short and has its own columns (no residence, often no sex), so it is read here
with its own header aliases; dates and headers are understood as in the person import."""

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from openpyxl import load_workbook

from cancuoc.accounts.audit import audit_record
from cancuoc.geo.models import Institution, InstitutionMember
from cancuoc.lib.text import name_keys
from cancuoc.registry.models import Person

from .errors import ImportFileError, ImportRowError
from .mapping import header_key
from .parsing import digits, parse_date, text

ROSTER_COLUMNS = {
    "full_name": ["Họ và tên", "Họ tên", "Họ, chữ đệm và tên", "Họ, chữ đệm, tên"],
    "birth_date": ["Ngày sinh", "Ngày, tháng, năm sinh", "Ngày tháng năm sinh"],
    "personal_id": [
        "Số định danh cá nhân", "Số định danh", "Số CCCD", "Số CMND/CCCD", "Số CMND", "CCCD",
    ],
    "role": ["Lớp", "Ca", "Ca làm việc", "Phòng ban", "Bộ phận", "Chức vụ", "Vai trò", "Đơn vị"],
}  # fmt: skip
REQUIRED = ("full_name", "birth_date")
HEADER_SEARCH_ROWS = 20


@dataclass
class RosterResult:
    rows: int = 0
    added: int = 0  # new members
    already: int = 0  # members already, their role brought up to date
    rejected: list[ImportRowError] = field(default_factory=list)


def _aliases() -> dict[str, str]:
    return {
        header_key(alias): name for name, aliases in ROSTER_COLUMNS.items() for alias in aliases
    }


def _rows(path: Path) -> list[tuple[int, list[Any]]]:
    """(row number, cells) of the file's first sheet (or the CSV)."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [(n, row) for n, row in enumerate(csv.reader(handle), start=1)]
    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [(n, list(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        book.close()


def _header(rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int], list[str]]:
    aliases = _aliases()
    for number, cells in rows[:HEADER_SEARCH_ROWS]:
        found = {}
        for position, cell in enumerate(cells):
            name = aliases.get(header_key(text(cell)))
            if name and name not in found:
                found[name] = position
        if all(name in found for name in REQUIRED):
            return number, found, [text(c) for c in cells]
    raise ImportFileError(
        "không thấy dòng tiêu đề có cột Họ và tên, Ngày sinh",
        "no header row with the columns full name and date of birth",
    )


def _person(cells: dict[str, Any], row: int, headers: dict[str, str]) -> Person:
    name = text(cells["full_name"])
    try:
        born, _ = parse_date(cells["birth_date"])
    except ValueError as error:
        raise ImportRowError(
            row=row, column=headers["birth_date"], message_vi=f"ngày sinh không đọc được: {error}",
            message_en=f"unreadable date of birth: {error}",
        ) from error  # fmt: skip
    number = digits(cells.get("personal_id"), "personal_id") if "personal_id" in cells else ""
    if number:
        found = list(Person.objects.filter(personal_id=number)[:2])
        if found and found[0].birth_date != born:
            raise ImportRowError(
                row=row, column=headers["birth_date"],
                message_vi="ngày sinh khác với cơ sở dữ liệu dân cư",
                message_en="date of birth differs from the register's",
            )  # fmt: skip
    else:
        found = list(Person.objects.filter(name_key=name_keys(name)[0], birth_date=born)[:2])
    if not found:
        raise ImportRowError(
            row=row, column=headers["personal_id" if number else "full_name"],
            message_vi="không có trong cơ sở dữ liệu dân cư", message_en="not in the register",
        )  # fmt: skip
    if len(found) > 1:
        raise ImportRowError(
            row=row, column=headers["full_name"],
            message_vi="nhiều người cùng họ tên và ngày sinh: cần số định danh",
            message_en="several people share this name and date of birth: give the ID number",
        )  # fmt: skip
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
    rows = _rows(path)
    header_row, positions, header_texts = _header(rows)
    headers = {name: header_texts[i] or name for name, i in positions.items()}
    result = RosterResult()
    members = {m.person_id: m for m in InstitutionMember.objects.filter(institution=institution)}
    for number, raw in rows:
        if number <= header_row or not any(text(c) for c in raw):
            continue
        cells = {name: raw[i] if i < len(raw) else None for name, i in positions.items()}
        if not text(cells["full_name"]):
            continue  # a note under the list, not a person
        result.rows += 1
        try:
            person = _person(cells, number, headers)
        except ImportRowError as error:
            result.rejected.append(error)
            continue
        role = text(cells.get("role"))[:64]
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
        action="roster-import", obj=institution, user=by,
        detail={"rows": result.rows, "added": result.added, "rejected": len(result.rejected)},
    )  # fmt: skip
    if dry_run:
        transaction.set_rollback(True)
    return result
