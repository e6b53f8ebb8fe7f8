"""Data migrations of the membership app, run on rows made before them."""

from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from membership.models import Membership

from ..factories import CommunityFactory, MembershipFactory, UserFactory

directory_keys = import_module("membership.migrations.0007_membership_directory_keys")


# "native": this database's own statement (UPDATE … FROM on PostgreSQL); "portable":
# the batched subquery update used elsewhere, which any database runs.
@pytest.mark.parametrize("vendor", ["native", "portable"])
def test_the_directory_keys_migration_copies_each_members_display_name(db, monkeypatch, vendor):
    community = CommunityFactory()
    ana = UserFactory(display_name="Ana Early")
    zed = UserFactory(display_name="Zed Late")
    for user in (ana, zed):
        MembershipFactory(user=user, community=community)
        MembershipFactory(user=user)
    # As before the migration: no key on the rows yet.
    Membership.objects.update(sort_name="")
    monkeypatch.setattr(directory_keys, "BACKFILL_BATCH", 3)  # more than one batch
    editor_connection = connection if vendor == "native" else SimpleNamespace(vendor="portable")

    directory_keys.sort_names_backfill(apps, SimpleNamespace(connection=editor_connection))

    names = Membership.objects.values_list("user__display_name", "sort_name")
    assert sorted(names) == [("Ana Early", "Ana Early")] * 2 + [("Zed Late", "Zed Late")] * 2
