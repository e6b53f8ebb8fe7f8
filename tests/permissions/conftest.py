import pytest
from django.db import transaction


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
