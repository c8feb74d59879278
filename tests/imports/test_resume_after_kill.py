"""An import killed half-way (SIGKILL) and run again ends exactly as an uninterrupted one."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

PEOPLE = 4000
BATCH = 100
PREPARE = """
import django
django.setup()
from pathlib import Path
from django.core.management import call_command
from cancuoc.geo.services import geo_load_current, units_create
from cancuoc.synth.files import synth_write
from cancuoc.synth.generator import synth_province

call_command("migrate", verbosity=0)
built = synth_province(province="38", people={people}, seed=11, communes=4)
synth_write(built, Path({out!r}))
geo_load_current()
units_create(built.villages)
"""
TABLES = [
    "registry_person",
    "registry_household",
    "registry_residence",
    "registry_home",
    "registry_card",
    "imports_rejectedrow",
    "imports_rowwarning",
]


def environment(database, tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {
        "CANCUOC_DB_PATH": str(database),
        "CANCUOC_IMPORT_DIR": str(tmp_path / "kept"),
        "DJANGO_SETTINGS_MODULE": "cancuoc.settings",
        "LOG_LEVEL": "WARNING",
    }
    return env


def state(database) -> dict:
    with sqlite3.connect(database) as db:
        return {
            "counts": {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES},
            "people": set(
                db.execute(
                    "SELECT source_ref, full_name, birth_date, personal_id, "
                    "unverified_id FROM registry_person"
                )
            ),
            "heads": set(
                db.execute(
                    "SELECT h.code, p.source_ref FROM registry_household h "
                    "LEFT JOIN registry_person p ON p.id = h.head_id"
                )
            ),
            "members": set(
                db.execute(
                    "SELECT p.source_ref, h.code FROM registry_person p "
                    "JOIN registry_household h ON h.id = p.household_id"
                )
            ),
            "job": db.execute(
                "SELECT status, rows_read, rows_accepted, rows_rejected, rows_merged, "
                "rows_warned FROM imports_importjob"
            ).fetchall(),
            "rejected": set(db.execute("SELECT sheet, row, reasons FROM imports_rejectedrow")),
        }


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc: Linux, as the fork is)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, ValueError):
            continue
        if entry.isdigit() and int(fields[1]) == pid:
            found.append(int(entry))
    return found


def alive(pids: list[int], *, within: float) -> list[int]:
    """Those of ``pids`` still running (not zombies) after waiting up to ``within`` s."""
    deadline = time.monotonic() + within
    while True:
        running = []
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat") as handle:
                    if handle.read().rsplit(")", 1)[1].split()[0] != "Z":
                        running.append(pid)
            except OSError:
                pass
        if not running or time.monotonic() > deadline:
            return running
        time.sleep(0.05)


def twin_databases(tmp_path, people: int):
    """Two SQLite files holding the same prepared province (one to import into without a
    stop, one to kill an import in), and its persons.csv."""
    clean, crashed = tmp_path / "clean.sqlite3", tmp_path / "crashed.sqlite3"
    out = tmp_path / "out"
    prepare = PREPARE.format(people=people, out=str(out))
    subprocess.run([sys.executable, "-c", prepare], env=environment(clean, tmp_path), check=True)
    with sqlite3.connect(clean) as source, sqlite3.connect(crashed) as target:
        source.backup(target)
    return clean, crashed, out / "persons.csv"


def test_an_import_killed_half_way_resumes_to_the_same_state(tmp_path):
    clean, crashed, persons = twin_databases(tmp_path, PEOPLE)
    cli = [sys.executable, "-m", "cancuoc.cli"]
    command = [*cli, "import", str(persons), "--source", "xa", "--batch-size", str(BATCH)]

    subprocess.run(command, env=environment(clean, tmp_path), check=True, capture_output=True)

    # The crashed import reads in a second process (imports/pipeline.py), the clean one here.
    forked = environment(crashed, tmp_path) | {"CANCUOC_IMPORT_FORK_FROM_ROWS": "0"}
    process = subprocess.Popen(
        command, env=forked, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    with sqlite3.connect(crashed) as db:
        done = 0
        while time.monotonic() < deadline and done < 8:
            row = db.execute("SELECT batches_done FROM imports_importjob").fetchone()
            done = row[0] if row else 0
            time.sleep(0.005)
    readers = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert readers, "the import did not read in a second process"
    assert not alive(readers, within=10), "the reading process outlived the killed import"
    killed = state(crashed)
    assert killed["job"][0][0] == "running", "the import ended before it could be killed"
    assert 0 < killed["counts"]["registry_person"] < state(clean)["counts"]["registry_person"]

    rerun = subprocess.run(command, env=forked, check=True, capture_output=True, text=True)

    assert "resumed" in rerun.stdout
    after, expected = state(crashed), state(clean)
    assert after == expected
    [(status, read, accepted, rejected, merged, _)] = after["job"]
    data_rows = sum(1 for _ in persons.open(encoding="utf-8-sig")) - 1
    assert status == "done" and read == data_rows == accepted + rejected + merged
    assert accepted == after["counts"]["registry_person"] > PEOPLE * 0.9
