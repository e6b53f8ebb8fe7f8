import importlib

import pytest
from django.db import transaction
from django.urls import clear_url_caches

from .catalogue import OPTIONAL_URLS


@pytest.fixture(scope="module")
def world(request, django_db_setup, django_db_blocker):
    """One World (test_matrix.py) of the visibility asked for (private by default),
    built once for every test of the module that asks for it: each request runs in a
    transaction rolled back after it, so no answer changes the next."""
    from .test_matrix import World

    visibility = getattr(request, "param", "private")
    with django_db_blocker.unblock(), transaction.atomic():
        built = World(visibility)
        built.visibility = visibility
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def routed(request, settings):
    """Routes an optional URL (catalogue.OPTIONAL_URLS) while it is asked."""
    import copplatform.urls

    setting = OPTIONAL_URLS.get(request.param)
    if setting is not None:
        setattr(settings, setting, True)
        importlib.reload(copplatform.urls)
        clear_url_caches()
    yield request.param
    if setting is not None:
        setattr(settings, setting, False)
        importlib.reload(copplatform.urls)
        clear_url_caches()
