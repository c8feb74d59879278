import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _vietnamese_unless_a_test_asks():
    """Messages are asserted in Vietnamese, the default language, whatever an earlier test
    (a page requested in English) left active in this thread."""
    with translation.override("vi"):
        yield
