"""A load killed half-way leaves nothing half-written: the register load is one transaction."""

import os
import signal
import sqlite3
import subprocess
import sys
import time


def test_a_load_killed_mid_way_writes_nothing(tmp_path):
    database = tmp_path / "crash.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CANCUOC_DB_PATH"] = str(database)
    cli = [sys.executable, "-m", "cancuoc.cli"]
    subprocess.run([*cli, "migrate", "-v0"], env=env, check=True)
    load = subprocess.Popen(
        [*cli, "synth", "--people", "300000", "--seed", "5", "--load"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert "bản ghi" in load.stdout.readline()  # generated; the load has begun
    wal = database.with_name(database.name + "-wal")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size < 5_000_000):
        time.sleep(0.05)
    assert load.poll() is None, "the load finished before it could be killed"
    load.send_signal(signal.SIGKILL)
    load.wait()
    with sqlite3.connect(database) as connection:
        counts = [
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "registry_person",
                "registry_household",
                "registry_residence",
                "registry_card",
                "geo_institution",
            )
        ]
        units = connection.execute("SELECT count(*) FROM geo_administrativeunit").fetchone()[0]
    assert counts == [0, 0, 0, 0, 0]
    assert units in (0, 3355)  # geo load is its own earlier transaction, whole or absent
