import pytest

from cancuoc.jobs import registry
from cancuoc.jobs.services import STOPPING


@pytest.fixture
def kinds():
    """Job kinds for one test: ``kinds.add(name, fn)`` registers (or stands in for) a kind,
    ``kinds.drop(name)`` makes one unknown; the registry is as before after the test."""

    class Kinds:
        def add(self, name, function, **options):
            registry.KINDS.pop(name, None)
            registry.job_kind(name, label=name, **options)(function)
            return function

        def drop(self, name):
            registry.KINDS.pop(name, None)

    saved = dict(registry.KINDS)
    yield Kinds()
    registry.KINDS.clear()
    registry.KINDS.update(saved)
    STOPPING.clear()
