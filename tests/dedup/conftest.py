import pytest

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
