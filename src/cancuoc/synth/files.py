"""The synthetic province as files: persons.csv in the canonical import format, the villages,
the institutions and the ground truth of the injected defects."""

import csv
from pathlib import Path

from cancuoc.registry.canonical import HEADERS, date_text, to_row

from .generator import SynthProvince


def synth_write(province: SynthProvince, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = [
        _write(directory / "persons.csv", HEADERS, (to_row(r) for r in province.records)),
        _write(
            directory / "units.csv",
            ["Mã đơn vị", "Tên", "Loại", "Mã đơn vị cấp trên", "Vùng sâu, vùng xa"],
            (
                [v.code, v.name, v.kind, v.parent_code, "1" if v.is_remote else "0"]
                for v in province.villages
            ),
        ),
        _write(
            directory / "institutions.csv",
            ["Mã", "Tên", "Loại", "Mã đơn vị", "Hạn hoàn thành"],
            (
                [i.code, i.name, i.kind, i.unit_code, date_text(i.deadline)]
                for i in province.institutions
            ),
        ),
        _write(
            directory / "institution_members.csv",
            ["Mã cơ quan", "Mã bản ghi"],
            ([i.code, ref] for i in province.institutions for ref in i.member_refs),
        ),
        _write(
            directory / "defects.csv",
            ["ref", "kind", "original_ref", "detail"],
            ([d.ref, d.kind, d.original_ref, d.detail] for d in province.defects),
        ),
    ]
    return written


def _write(path: Path, headers: list[str], rows) -> Path:
    # UTF-8 with a BOM: Excel then shows Vietnamese correctly when the file is opened.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path
