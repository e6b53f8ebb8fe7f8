"""The bulk-invitation list reader: every per-row error, and whole-file refusals."""

import pytest

from facilitation.coordination import bulk_invite
from facilitation.coordination.bulk_invite import BulkInviteFileError
from membership.models import Invitation

from ...factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _parse(raw: bytes, community, level="peripheral"):
    return bulk_invite.parse_upload(raw, community=community, default_level=level)


def _errors(rows):
    return {row.email: row.errors for row in rows}


def test_a_csv_with_columns_in_any_order(community):
    raw = b"message,EMAIL,Level\nWelcome!,Amara@Example.org,Active\n,sam@example.org,\n"
    rows = _parse(raw, community, level="core")
    assert [(r.line, r.email, r.level, r.message) for r in rows] == [
        (2, "amara@example.org", "active", "Welcome!"),
        (3, "sam@example.org", "core", ""),
    ]
    assert all(r.ok for r in rows)


def test_one_address_per_line_with_blank_lines_and_a_bom(community):
    rows = _parse("\ufeffa@example.org\n\n  b@example.org  \r\n".encode(), community)
    assert [(r.line, r.email, r.level) for r in rows] == [
        (1, "a@example.org", "peripheral"),
        (3, "b@example.org", "peripheral"),
    ]


def test_every_per_row_error(community):
    MembershipFactory(community=community, user__email="Member@Example.org")
    Invitation.objects.create(
        community=community,
        email="invited@example.org",
        nonce="q" * 32,
        expires_at="2099-01-01T00:00Z",
    )
    raw = (
        "email,level,message\n"
        "not-an-email,,\n"
        f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example.org,,\n"
        "dup@example.org,,\n"
        "DUP@example.org,,\n"
        "member@example.org,,\n"
        "invited@example.org,,\n"
        "odd@example.org,superstar,\n"
        f"long@example.org,,{'x' * 1001}\n"
        "ok@example.org,core,\n"
    ).encode()
    errors = _errors(_parse(raw, community))
    assert errors["not-an-email"] == ["Not a valid email address."]
    too_long = next(email for email in errors if len(email) > 254)
    assert errors[too_long] == ["Not a valid email address."]
    assert errors["dup@example.org"] == ["Repeats an address earlier in the list."]
    assert errors["member@example.org"] == ["Already a member."]
    assert errors["invited@example.org"] == ["Already has an open invitation."]
    assert "Unknown level" in errors["odd@example.org"][0]
    assert "longer than 1000" in errors["long@example.org"][0]
    assert errors["ok@example.org"] == []


def test_a_revoked_invitation_does_not_block(community):
    Invitation.objects.create(
        community=community,
        email="again@example.org",
        nonce="r" * 32,
        expires_at="2099-01-01T00:00Z",
        revoked_at="2026-01-01T00:00Z",
    )
    assert _parse(b"again@example.org", community)[0].ok


def test_a_file_over_a_megabyte_is_refused(community):
    with pytest.raises(BulkInviteFileError, match="larger than 1 MB"):
        _parse(b"a@example.org\n" * 80_000, community)


def test_too_many_rows_are_refused(community):
    raw = "\n".join(f"p{n}@example.org" for n in range(501)).encode()
    with pytest.raises(BulkInviteFileError, match="at most 500"):
        _parse(raw, community)


def test_a_file_not_in_utf8_is_refused(community):
    with pytest.raises(BulkInviteFileError, match="UTF-8"):
        _parse("email\nrené@exämple.org\n".encode("latin-1"), community)


def test_a_binary_file_is_refused(community):
    with pytest.raises(BulkInviteFileError, match="not a text file"):
        _parse(b"PK\x03\x04\x00\x00binary", community)


def test_an_empty_list_is_refused(community):
    with pytest.raises(BulkInviteFileError, match="empty"):
        _parse(b"email,level\n\n", community)


def test_a_malformed_csv_is_refused(community):
    with pytest.raises(BulkInviteFileError, match="CSV"):
        _parse(b'email,level\n"a@example.org\x0b,"\n"unterminated\n' + b"x" * 200_000, community)


def test_signed_rows_come_back_whole_and_tampering_is_caught(community):
    rows = _parse("email,message\nann@example.org,Bienvenue à vous\n".encode(), community)
    signed = bulk_invite.rows_sign(rows=rows, community=community, default_level="active")
    payload = bulk_invite.rows_unsign(signed)
    assert payload["community"] == community.pk and payload["default_level"] == "active"
    assert [(r.email, r.message) for r in payload["rows"]] == [
        ("ann@example.org", "Bienvenue à vous")
    ]
    with pytest.raises(BulkInviteFileError, match="expired or was changed"):
        bulk_invite.rows_unsign(signed[:-2] + "xx")
