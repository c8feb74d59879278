import logging
import os
from datetime import date

import pytest

from cancuoc.geo.models import UnitKind
from cancuoc.geo.selectors import unit_by_code
from cancuoc.geo.services import NewUnit, units_create
from cancuoc.lib.redact import RedactIdNumbers
from cancuoc.planning.models import Kit, Station, StationKind
from cancuoc.registry.models import Person
from cancuoc.registry.records import PersonRecord
from cancuoc.registry.services import register_load


@pytest.fixture(autouse=True)
def _one_factor_unless_a_test_asks(settings):
    """Most tests log in with force_login; the two-factor tests turn it back on."""
    settings.CANCUOC_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _audit_head_in_a_scratch_file(settings, tmp_path_factory):
    """Each test signs the audit chain's head into its own file, never the working tree's."""
    settings.CANCUOC_AUDIT_HEAD_FILE = tmp_path_factory.mktemp("audit") / "head.json"


@pytest.fixture(autouse=True)
def _job_files_in_a_scratch_folder(settings, tmp_path_factory):
    """Slips and reports made by jobs go to a folder of the test's, never the working tree."""
    settings.CANCUOC_FILES_DIR = tmp_path_factory.mktemp("files")


@pytest.fixture
def area(db):
    """A province with two communes of two villages each, and a remote village."""
    units_create(
        [
            NewUnit("38", "Thanh Hóa", UnitKind.PROVINCE, None),
            NewUnit("16000", "Xã Một", UnitKind.COMMUNE, "38"),
            NewUnit("16000001", "Thôn 1", UnitKind.VILLAGE, "16000"),
            NewUnit("16000002", "Thôn 2", UnitKind.VILLAGE, "16000", is_remote=True),
            NewUnit("16001", "Phường Hai", UnitKind.WARD, "38"),
            NewUnit("16001001", "Tổ dân phố 1", UnitKind.RESIDENTIAL_GROUP, "16001"),
        ]
    )


_refs = iter(range(1, 10**9))


def person_record(**fields) -> PersonRecord:
    """A valid person living in Thôn 1 unless told otherwise."""
    defaults = dict(
        ref=f"T{next(_refs)}",
        personal_id="",
        full_name="Nguyễn Văn An",
        birth_date=date(1980, 5, 10),
        birth_date_precision="D",
        sex="M",
        ethnicity="Kinh",
        native_place="Xã Một, Thanh Hóa",
        phone="0912345678",
        permanent_unit="16000001",
    )
    defaults.update(fields)
    return PersonRecord(**defaults)


@pytest.fixture
def add_person(area):
    """Load one person through the register's bulk path and return it."""

    def add(**fields) -> Person:
        record = person_record(**fields)
        register_load(records=[record], source="test")
        return Person.objects.get(source="test", source_ref=record.ref)

    return add


# Personal data never reaches the logs: every record logged during the whole test run is
# kept and checked when the session ends (tests/accounts/test_logs.py explains the rule).
class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.addFilter(RedactIdNumbers())  # as the configured handlers write them

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


KEPT_LOGS = _Keep()


def pytest_configure(config) -> None:
    logging.getLogger().addHandler(KEPT_LOGS)


# Modules of a minute or more each (a real browser, a server or the demo in a subprocess,
# Splink runs, every route × every role): `pytest -m "not slow"` is the quick loop; CI and
# the README's test command run everything.
SLOW = (
    "tests/browser/",
    "tests/test_demo.py",
    "tests/test_crash_safety.py",
    "tests/test_query_counts.py",
    "tests/accounts/test_access_matrix.py",
    "tests/accounts/test_write_matrix.py",
    "tests/i18n/test_pages.py",
    "tests/api/test_schemathesis.py",
    "tests/api/test_api_process.py",
    "tests/dedup/test_dedup_run.py",
    "tests/dedup/test_dedup_command.py",
    "tests/dedup/test_job_match.py",
    "tests/imports/test_resume_after_kill.py",
    "tests/imports/test_fuzz.py",
    "tests/imports/test_commune_files.py",
    "tests/synth/test_seed_campaign.py",
    "tests/synth/test_old_map_province.py",
    "tests/jobs/test_worker_killed.py",
    "tests/dedup/test_dedup_run_jobs.py",
    "tests/dedup/test_hard_matching.py",
    "tests/reports/test_rollups_exact.py",
)


# Tests that run cancuoc in a subprocess on a SQLite file of their own whatever the database
# of the run: the PostgreSQL pass of CI would only repeat them.
OWN_SQLITE = (
    "tests/test_demo.py",
    "tests/test_crash_safety.py",
    "tests/imports/test_resume_after_kill.py",
    "tests/jobs/test_worker_killed.py",
    "tests/accounts/test_logs.py::test_the_dev_servers_access_log_holds_no_id_number_or_name",
    "tests/accounts/test_logs.py::test_gunicorns_access_log_holds_no_id_number_or_name",
)


# What these check does not depend on the database (every page's text in both languages,
# query counts that must not grow with rows): the SQLite pass is enough.
OWN_SQLITE += ("tests/i18n/test_pages.py", "tests/test_query_counts.py")


def pytest_collection_modifyitems(config, items) -> None:
    root = str(config.rootpath)
    on_postgresql = os.environ.get("DATABASE_URL", "").startswith("postgres")
    repeated = pytest.mark.skip(reason="the SQLite pass covers it (see OWN_SQLITE)")
    for item in items:
        where = str(item.path).removeprefix(root + "/")
        if where.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
        if on_postgresql and (where.startswith(OWN_SQLITE) or item.nodeid in OWN_SQLITE):
            item.add_marker(repeated)


def pytest_sessionfinish(session, exitstatus) -> None:
    from tests.accounts.test_logs import personal_data_in

    found = personal_data_in(KEPT_LOGS.lines)
    if found:
        session.exitstatus = 1
        print("\nPersonal data in the logs of this run:\n" + "\n".join(found[:20]))


@pytest.fixture(autouse=True)
def _vietnamese_unless_a_test_asks():
    """Each test starts in the pages' default language: a test that rendered English (or a
    request with the English cookie) leaves it active in the thread otherwise."""
    from django.utils import translation

    with translation.override("vi"):
        yield


@pytest.fixture
def world(area, django_user_model):
    """Two areas with a person, an institution, a station, an application, an appointment, a
    hand-over and a pair to review in each: the world of the tests that ask every route."""
    from tests.world import build_world  # it builds on person_record, above

    return build_world(django_user_model)


@pytest.fixture
def station(area):
    """The fixed station of Xã Một (CA-XM) with two kits, KIT-1 and KIT-2."""
    station = Station.objects.create(
        code="CA-XM", name="Công an Xã Một", kind=StationKind.FIXED, unit=unit_by_code("16000")
    )
    Kit.objects.create(station=station, code="KIT-1")
    Kit.objects.create(station=station, code="KIT-2")
    return station
