import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """The public pages and their per-address counts live in the cache: each test starts
    without them."""
    cache.clear()
    yield
    cache.clear()
