import pytest
from django.db import IntegrityError

from membership.models import User


def test_a_fresh_database_has_no_placeholder_accounts(db):
    # guardian's AnonymousUser row is switched off (ANONYMOUS_USER_NAME = None).
    assert User.objects.count() == 0


def test_email_addresses_are_unique_whatever_their_case(db):
    User.objects.create_user("Sam@Example.org", "a-long-enough-passphrase")

    with pytest.raises(IntegrityError):
        User.objects.create_user("sam@example.org", "a-long-enough-passphrase")


def test_an_account_needs_an_email_address(db):
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user("", "a-long-enough-passphrase")


def test_create_superuser_makes_a_platform_admin(db):
    admin = User.objects.create_superuser("root@example.org", "a-long-enough-passphrase")

    assert admin.is_staff and admin.is_superuser
    assert admin.check_password("a-long-enough-passphrase")


def test_a_person_is_named_by_display_name_then_full_name_then_email(db):
    person = User(email="ngozi.a@example.org")
    assert person.name == "A member"  # never part of the email address
    person.first_name, person.last_name = "Ngozi", "Adeyemi"
    assert person.name == "Ngozi Adeyemi"
    person.display_name = "Dr Ngozi"
    assert person.name == "Dr Ngozi"
