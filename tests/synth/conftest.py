import csv
from pathlib import Path

import pytest

from cancuoc.synth.files import synth_write
from cancuoc.synth.generator import synth_province

PEOPLE = 4000
SEED = 7


@pytest.fixture(scope="session")
def province():
    return synth_province(province="38", people=PEOPLE, seed=SEED, communes=12)


@pytest.fixture(scope="session")
def synth_dir(province, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("synth")
    synth_write(province, directory)
    return directory


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
