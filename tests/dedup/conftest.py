import pytest
from django.utils import translation

from cancuoc.synth.generator import synth_province

PEOPLE = 2500
SEED = 5


@pytest.fixture(scope="session")
def province():
    """A synthetic province with its injected duplicates (ground truth in ``defects``)."""
    return synth_province(province="38", people=PEOPLE, seed=SEED, communes=6)


def true_pairs(province) -> set[frozenset[str]]:
    """The injected duplicates, as pairs of source refs."""
    return {
        frozenset((d.ref, d.original_ref))
        for d in province.defects
        if d.kind.startswith("duplicate:")
    }


@pytest.fixture(autouse=True)
def _vietnamese_unless_asked():
    """Each test starts in Vietnamese, the default: Django leaves the language of a page in
    English active in the thread after the request."""
    with translation.override("vi"):
        yield
