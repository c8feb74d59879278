"""Hostile and large import files: how long the checks take to refuse them, and the peak
memory of each, measured in a fresh process (ru_maxrss), so one file's memory does not hide
another's. Prints one line a file.

    .venv/bin/python bench/import_limits.py [--rows 50000]

Files: the 400 MB shared string in 410 KB (issue 15), two million rows without a header,
and a legitimate file of ``--rows`` persons, as XLSX and as CSV; the legitimate ones are read
and parsed whole (file_rows and row_parse, as the import does, without the database).
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cancuoc.settings")


def measure(path: str, upload: bool) -> None:
    """In the child: check, then read and parse the file; print what happened as JSON."""
    import django

    django.setup()
    from cancuoc.imports.errors import ImportFileError
    from cancuoc.imports.limits import ImportLimits, file_check
    from cancuoc.imports.parsing import row_parse
    from cancuoc.imports.readers import file_facts, file_layout, file_rows

    limits = ImportLimits.from_settings(upload=upload)
    start = time.perf_counter()
    outcome, rows = "read", 0
    try:
        facts = file_facts(Path(path))
        file_check(Path(path), facts.encoding, limits)
        checked = time.perf_counter() - start
        layout = file_layout(Path(path), facts, limits=limits)
        for row in file_rows(Path(path), facts, layout):
            row_parse(row, today=date.today())
            rows += 1
    except ImportFileError as error:
        outcome, checked = f"refused: {error.en}", time.perf_counter() - start
    peak = _peak_mb()
    print(
        json.dumps(
            {
                "outcome": outcome,
                "rows": rows,
                "checked_s": checked,
                "total_s": time.perf_counter() - start,
                "peak_mb": peak,
            }
        )
    )


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss would start from the parent's
    high-water mark, which a fork keeps)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def legit_files(folder: Path, rows: int) -> tuple[Path, Path]:
    from openpyxl import Workbook
    from tests.conftest import person_record

    from cancuoc.registry.canonical import HEADERS, to_row

    records = [
        to_row(
            person_record(
                ref=f"R{n}", full_name=f"Nguyễn Văn An {n}", permanent_address=f"Số {n}, Thôn 1"
            )
        )
        for n in range(rows)
    ]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(HEADERS)
    for row in records:
        sheet.append(row)
    xlsx = folder / f"hop-le-{rows}.xlsx"
    book.save(xlsx)
    csv_path = folder / f"hop-le-{rows}.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(records)
    return xlsx, csv_path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--upload", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        measure(arguments.measure, arguments.upload)
        return
    import django

    django.setup()
    from tests.imports.hostile import headerless_rows, shared_string_bomb

    with tempfile.TemporaryDirectory(prefix="cancuoc-limits-") as name:
        folder = Path(name)
        files = [
            shared_string_bomb(folder / "bom-400mb.xlsx"),
            headerless_rows(folder / "hai-trieu-dong.xlsx"),
            *legit_files(folder, arguments.rows),
        ]
        for path in files:
            for upload in (True, False):
                command = [sys.executable, __file__, "--measure", str(path)]
                done = subprocess.run(
                    command + (["--upload"] if upload else []),
                    capture_output=True,
                    text=True,
                    check=True,
                )
                result = json.loads(done.stdout.strip().splitlines()[-1])
                print(
                    f"{path.name:24} {path.stat().st_size / 2**20:7.1f} MB "
                    f"{'upload ' if upload else 'command'} "
                    f"checked in {result['checked_s']:6.3f} s, "
                    f"all in {result['total_s']:7.2f} s, peak {result['peak_mb']:6.0f} MB, "
                    f"{result['rows']:,} rows parsed; {result['outcome'][:90]}"
                )


if __name__ == "__main__":
    main()
