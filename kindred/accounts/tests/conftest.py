import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits count in the cache: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
