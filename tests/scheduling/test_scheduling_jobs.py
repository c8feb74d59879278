"""Assignment and slips as background jobs: the same outcome as the direct calls, one job per
unit or station at a time, a cancel between steps, the station page's button, and the slips'
files served only to those who may see the station's people."""

import io
from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from cancuoc.accounts.models import Assignment, AuditEvent, Role
from cancuoc.accounts.purposes import PURPOSES
from cancuoc.geo.selectors import unit_by_code
from cancuoc.jobs.models import Job, JobStatus
from cancuoc.jobs.presenters import job_lines
from cancuoc.jobs.services import JobBusy, job_run, job_submit
from cancuoc.planning.models import Kit, Shift
from cancuoc.scheduling.assignment import Weights
from cancuoc.scheduling.jobs import ASSIGN, ASSIGNING, SLIPS, WRITING, slips_folder
from cancuoc.scheduling.models import Appointment, AssignmentRun
from cancuoc.scheduling.services import appointments_assign, slots_generate
from cancuoc.scheduling.slips import slips_by_village
from tests.jobs.helpers import run_jobs

from .bookings import DAY, add_household, book, make_slot, make_station
from .cancelling import cancelled_at

pytestmark = pytest.mark.django_db
PERIOD = {"first": DAY.isoformat(), "last": DAY.isoformat()}
FIRST = timezone.localdate() + timedelta(days=1)  # assignment books slots still to come
LAST = FIRST + timedelta(days=2)


@pytest.fixture(autouse=True)
def files(settings, tmp_path):
    settings.CANCUOC_FILES_DIR = tmp_path / "files"
    return settings.CANCUOC_FILES_DIR


@pytest.fixture
def week(area):
    """A station with a week of slots for its commune's households."""
    station = make_station()
    station.capture_minutes = 20
    station.save()
    Kit.objects.create(station=station, code="KIT-1")
    Shift.objects.create(station=station, name="Ca sáng", starts=time(7), ends=time(9))
    slots_generate(station=station, first=FIRST, last=LAST)
    for n, village in enumerate(["16000001", "16000001", "16000002"]):
        add_household(f"H{n}", [f"Trần Văn {n}-{i}" for i in range(2)], permanent_unit=village)
    return station


def assign_params() -> dict:
    return {"unit": "16000", "first": FIRST.isoformat(), "last": LAST.isoformat()}


def test_an_assignment_job_books_as_the_direct_call_does(week):
    with transaction.atomic():
        direct = appointments_assign(
            unit=unit_by_code("16000"),
            first=FIRST,
            last=LAST,
            weights=Weights(),
        )
        booked = sorted(Appointment.objects.values_list("person_id", "slot_id"))
        transaction.set_rollback(True)
    assert direct.assigned > 0 and not Appointment.objects.exists()

    job = job_submit(ASSIGN, params=assign_params(), target="16000", unit=unit_by_code("16000"))
    [ended] = run_jobs()

    assert ended.pk == job.pk and ended.status == JobStatus.DONE
    figures = {k: ended.result[k] for k in ("persons", "assigned", "unassigned", "cost")}
    assert figures == {
        "persons": direct.persons,
        "assigned": direct.assigned,
        "unassigned": direct.unassigned,
        "cost": direct.cost,
    }
    assert sorted(Appointment.objects.values_list("person_id", "slot_id")) == booked
    assert AssignmentRun.objects.get().pk == ended.result["run"]
    assert (ended.stage, ended.done, ended.total) == (ASSIGNING, 1, 1)
    [(unit, said, _link), _quality] = job_lines(ended)
    assert unit == "Xã Một" and f"{direct.assigned} người đã hẹn" in said


def test_one_assignment_per_unit_at_a_time_and_a_cancel_books_nobody(week):
    job = job_submit(ASSIGN, params=assign_params(), target="16000")
    with pytest.raises(JobBusy):
        job_submit(ASSIGN, params=assign_params(), target="16000")

    ended = job_run(job, heartbeat=False, context_class=cancelled_at(ASSIGNING))

    assert ended.status == JobStatus.CANCELLED
    assert not AssignmentRun.objects.exists() and not Appointment.objects.exists()


def test_the_assign_command_can_only_queue_the_job(week):
    out = io.StringIO()
    call_command(
        "appointments", "assign", "16000", "--from", FIRST.isoformat(), "--to", LAST.isoformat(),
        "--background", stdout=out,
    )  # fmt: skip
    job = Job.objects.get()
    assert (job.kind, job.status, job.target) == (ASSIGN, JobStatus.QUEUED, "16000")
    assert f"/cong-viec/{job.pk}/" in out.getvalue() and not Appointment.objects.exists()


@pytest.fixture
def slips(area):
    station = make_station()
    slot = make_slot(station)
    people = [
        *add_household("A1", ["Đỗ Văn An", "Đỗ Thị Yến"]),
        *add_household("B1", ["Bùi Thị Lan"], permanent_unit="16000002"),
    ]
    return station, [book(person, slot) for person in people]


def text_of(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_slips_job_writes_the_villages_pdfs_as_the_direct_call_makes_them(slips):
    station, _appointments = slips
    direct = slips_by_village(station=station, first=DAY, last=DAY)
    job = job_submit(SLIPS, params=PERIOD | {"station": "CA-XM", "purpose": PURPOSES[1]})

    [ended] = run_jobs()

    assert ended.status == JobStatus.DONE
    assert (ended.result["slips"], ended.result["villages"]) == (3, 2)
    names = [file["name"] for file in ended.result["files"]]
    assert names == [
        "phieu-hen-CA-XM-16000001.pdf",
        "phieu-hen-CA-XM-16000002.pdf",
        "lich-hen-CA-XM-20210607-20210607.xlsx",
    ]
    folder = slips_folder(job.pk)
    for batch, name in zip(direct, names, strict=False):
        assert text_of((folder / name).read_bytes()) == text_of(batch.pdf)
    assert (ended.stage, ended.done, ended.total) == (WRITING, 3, 3)


def test_a_cancelled_slips_job_leaves_no_file(slips):
    job = job_submit(SLIPS, params=PERIOD | {"station": "CA-XM", "purpose": PURPOSES[1]})
    ended = job_run(job, heartbeat=False, context_class=cancelled_at(WRITING))
    assert ended.status == JobStatus.CANCELLED and not slips_folder(job.pk).exists()


@pytest.fixture
def officer(client, django_user_model, area):
    user = django_user_model.objects.create_user("cs-xa-mot", password="x" * 12)
    Assignment.objects.create(user=user, role=Role.COMMUNE_OFFICER, unit=unit_by_code("16000"))
    client.force_login(user)
    return client


def test_the_station_page_makes_the_slips_as_a_job_and_its_page_links_the_files(
    officer, slips, django_user_model
):
    asked = {"tu": DAY.isoformat(), "muc_dich": PURPOSES[1]}

    answer = officer.post("/diem/CA-XM/phieu-hen/", asked)

    job = Job.objects.get(kind=SLIPS)
    assert answer.status_code == 302 and answer["Location"] == f"/cong-viec/{job.pk}/"
    again = officer.post("/diem/CA-XM/phieu-hen/", asked)  # while it waits: the same job
    assert again["Location"] == f"/cong-viec/{job.pk}/" and Job.objects.count() == 1
    run_jobs()
    page = officer.get(f"/cong-viec/{job.pk}/").content.decode()
    link = f"/diem/CA-XM/phieu-hen/{job.pk}/?tep=phieu-hen-CA-XM-16000001.pdf"
    assert link.replace("&", "&amp;") in page and "2 phiếu hẹn (Thôn 1)" in page

    pdf = officer.get(link)

    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = text_of(b"".join(pdf.streaming_content))
    assert "Đỗ Văn An" in text and "Bùi Thị Lan" not in text
    event = AuditEvent.objects.get(action="export", detail__document="slips")
    assert event.purpose == PURPOSES[1] and event.detail["job"] == job.pk
    assert officer.get(f"/diem/CA-XM/phieu-hen/{job.pk}/?tep=../../x.pdf").status_code == 404

    officer.force_login(_user(django_user_model, "phuong-hai", Role.COMMUNE_OFFICER, "16001"))
    assert officer.get(link).status_code == 404  # another area: not said to exist
    officer.force_login(_user(django_user_model, "xem", Role.VIEWER, "16000"))
    assert officer.get(link).status_code == 403  # figures only, no names
    assert officer.post("/diem/CA-XM/phieu-hen/", asked).status_code == 403


def _user(django_user_model, name: str, role: Role, unit: str):
    user = django_user_model.objects.create_user(name, password="x" * 12)
    Assignment.objects.create(user=user, role=role, unit=unit_by_code(unit))
    return user


def test_making_slips_needs_a_purpose(officer, slips):
    answer = officer.post("/diem/CA-XM/phieu-hen/", {"tu": DAY.isoformat()})
    assert answer.status_code == 403 and not Job.objects.exists()
