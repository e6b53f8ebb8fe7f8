import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from communities.models import Community
from membership.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from membership.models import FacilitatorAssignment, Membership, User


def _counts():
    return (
        User.objects.count(),
        Community.objects.count(),
        Membership.objects.count(),
        FacilitatorAssignment.objects.count(),
        EmailAddress.objects.count(),
    )


def test_seed_demo_creates_one_verified_account_per_kind_of_user(db):
    call_command("seed_demo", force=True)

    for email, *_ in DEMO_ACCOUNTS:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.get(user=user).verified
    assert User.objects.get(email="admin@example.org").is_superuser
    assert User.objects.get(email="leader@example.org").platform_role == "leader"
    assert User.objects.get(email="patient@example.org").stakeholder_type == "patient"
    assert not Membership.objects.filter(user__email="newcomer@example.org").exists()


def test_seed_demo_gives_the_facilitator_several_communities(db):
    call_command("seed_demo", force=True)

    assert FacilitatorAssignment.objects.filter(user__email="facilitator@example.org").count() >= 3
    assert set(Community.objects.values_list("visibility", flat=True)) == {
        "public",
        "private",
        "hidden",
    }


def test_seed_demo_run_twice_creates_nothing_new(db):
    call_command("seed_demo", force=True)
    before = _counts()

    call_command("seed_demo", force=True)

    assert _counts() == before


def test_seed_demo_refuses_without_debug_or_force(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="shared, published password"):
        call_command("seed_demo")
    assert not User.objects.filter(email="admin@example.org").exists()
