"""A worker killed (SIGKILL) in the middle of an import job: a new worker takes the job over
at once (its process is gone), the import resumes after the last batch committed, and the
register ends exactly as after an uninterrupted import of the same file."""

import signal
import sqlite3
import subprocess
import sys
import time

from tests.imports.test_resume_after_kill import environment, state, twin_databases

PEOPLE = 3000
BATCH = 100


def test_a_killed_workers_import_finishes_on_the_next_worker_as_if_never_killed(tmp_path):
    clean, crashed, persons = twin_databases(tmp_path, PEOPLE)
    cli = [sys.executable, "-m", "cancuoc.cli"]
    command = [*cli, "import", str(persons), "--source", "xa", "--batch-size", str(BATCH)]
    command.append("--no-dedup")
    # The uninterrupted import: the same job, run by the command in its own process.
    subprocess.run(command, env=environment(clean, tmp_path), check=True, capture_output=True)

    env = environment(crashed, tmp_path)
    queued = subprocess.run(
        [*command, "--background"], env=env, check=True, text=True, capture_output=True
    )
    assert "/cong-viec/1/" in queued.stdout
    worker = [*cli, "worker", "--no-schedule", "--sleep", "0.1"]
    first = subprocess.Popen(worker, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    with sqlite3.connect(crashed) as db:
        done = 0
        while time.monotonic() < deadline and done < 3:
            row = db.execute("SELECT batches_done FROM imports_importjob").fetchone()
            done = row[0] if row else 0
            time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.wait()
    with sqlite3.connect(crashed) as db:
        [(status, attempts, worker_id)] = db.execute(
            "SELECT status, attempts, worker FROM jobs_job"
        ).fetchall()
    assert (status, attempts) == ("running", 1) and f":{first.pid}:" in worker_id
    killed = state(crashed)
    assert killed["job"][0][0] == "running", "the import ended before it could be killed"
    assert 0 < killed["counts"]["registry_person"] < state(clean)["counts"]["registry_person"]

    subprocess.run([*worker, "--once"], env=env, check=True, capture_output=True, timeout=300)

    with sqlite3.connect(crashed) as db:
        [(status, attempts, result)] = db.execute(
            "SELECT status, attempts, result FROM jobs_job"
        ).fetchall()
    assert (status, attempts) == ("done", 2) and '"resumed": true' in result
    after, expected = state(crashed), state(clean)
    assert after == expected
    with sqlite3.connect(crashed) as a, sqlite3.connect(clean) as b:
        refs = "SELECT source, source_ref FROM registry_person"
        assert set(a.execute(refs)) == set(b.execute(refs))
