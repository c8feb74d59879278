import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a page requested in English by an earlier
    test leaves English active in the thread (the middleware activates, nothing resets)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
