"""Reading a bulk-invitation list: a CSV with an `email` column (optional `level` and
`message`), or one address per line.

Parsing never touches the database except for two batched lookups (members and open
invitations among the file's addresses), so a 500-row preview costs the same as a
one-row one. Rows travel from the preview to the confirmation signed (`rows_sign`),
so nothing the facilitator uploaded is lost or can be tampered with in between.
"""

import csv
import io
from dataclasses import asdict, dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from communities.models import Community
from membership.models import Invitation, Membership, User

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
MAX_MESSAGE = 1000
# Invitation.email's column (EmailField's 254): a longer address would not fit.
MAX_EMAIL = 254
SIGNING_SALT = "facilitation.coordination.bulk_invite"
# A signed preview stays valid for a working session, not forever.
SIGNED_MAX_AGE = 6 * 60 * 60

Level = Membership.Level


class BulkInviteFileError(Exception):
    """The file as a whole cannot be read: the message says why (shown with a 400)."""


@dataclass
class Row:
    line: int
    email: str
    level: str = ""
    message: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level in Level.values else self.level


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise BulkInviteFileError(
            _("The file is larger than %(size)s MB: split it into smaller lists.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    if b"\x00" in raw:
        raise BulkInviteFileError(
            _("This is not a text file. Upload a CSV file or a list of addresses.")
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BulkInviteFileError(
            _(
                "The file is not in UTF-8. Save it as “CSV UTF-8” (in a spreadsheet: "
                "Save as, CSV UTF-8) and upload it again."
            )
        ) from exc


def _records(text: str) -> list[tuple[int, dict]]:
    """(line number, {email, level, message}) for each non-empty line."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    try:
        header = [cell.strip().lower() for cell in next(csv.reader([first]))] if first else []
    except csv.Error as exc:
        raise BulkInviteFileError(_("The file could not be read as CSV.")) from exc
    if "email" not in header:
        # One address per line.
        return [
            (number, {"email": line.strip()})
            for number, line in enumerate(lines, 1)
            if line.strip()
        ]
    reader = csv.reader(io.StringIO(text))
    records = []
    try:
        header_seen = False
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if not header_seen:
                header_seen = True
                continue
            values = {
                name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)
            }
            records.append((reader.line_num, values))
    except csv.Error as exc:
        raise BulkInviteFileError(
            _("The file could not be read as CSV (line %(line)s).") % {"line": reader.line_num}
        ) from exc
    return records


def _level(value: str, default: str) -> str | None:
    value = (value or "").strip()
    if not value:
        return default
    for choice, label in Level.choices:
        if value.lower() in (choice, str(label).lower()):
            return choice
    return None


def parse_text(raw: bytes) -> list[Row]:
    """Rows from the uploaded bytes, with the errors that need no database."""
    records = _records(_decode(raw))
    if len(records) > MAX_ROWS:
        raise BulkInviteFileError(
            _("The list has %(count)s rows; at most %(max)s can be sent at once.")
            % {"count": len(records), "max": MAX_ROWS}
        )
    if not records:
        raise BulkInviteFileError(_("The list is empty: it needs at least one email address."))
    return [
        Row(
            line=line,
            email=values.get("email", ""),
            level=values.get("level", ""),
            message=values.get("message", ""),
        )
        for line, values in records
    ]


def validate_rows(rows: list[Row], *, community: Community, default_level: str) -> list[Row]:
    """Fill each row's errors: address, duplicates, level, message, and (two queries)
    whether the person is a member already or already holds an open invitation."""
    seen: set[str] = set()
    for row in rows:
        row.errors = []
        raw_level = row.level
        email = User.objects.normalize_email(row.email.strip()).lower()
        row.email = email
        try:
            validate_email(email)
            if len(email) > MAX_EMAIL:
                raise ValidationError("too long")
        except ValidationError:
            row.errors.append(_("Not a valid email address."))
        else:
            if email in seen:
                row.errors.append(_("Repeats an address earlier in the list."))
            seen.add(email)
        level = _level(raw_level, default_level)
        if level is None:
            row.errors.append(
                _("Unknown level “%(level)s”: use peripheral, active or core.")
                % {"level": raw_level}
            )
        else:
            row.level = level
        if len(row.message) > MAX_MESSAGE:
            row.errors.append(
                _("The message is longer than %(max)s characters.") % {"max": MAX_MESSAGE}
            )
    emails = {row.email for row in rows if row.email}
    members = set(
        Membership.objects.filter(community=community)
        .annotate(address=Lower("user__email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    invited = set(
        Invitation.objects.filter(community=community, accepted_at=None, revoked_at=None)
        .annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    )
    for row in rows:
        if row.email in members:
            row.errors.append(_("Already a member."))
        elif row.email in invited:
            row.errors.append(_("Already has an open invitation."))
    return rows


def parse_upload(raw: bytes, *, community: Community, default_level: str) -> list[Row]:
    rows = parse_text(raw)
    return validate_rows(rows, community=community, default_level=default_level)


# --- carrying the rows from the preview to the confirmation ------------------------------


def rows_sign(*, rows: list[Row], community: Community, default_level: str) -> str:
    payload = {
        "community": community.pk,
        "default_level": default_level,
        "rows": [
            {k: v for k, v in asdict(row).items() if k in ("line", "email", "level", "message")}
            for row in rows
        ],
    }
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def rows_unsign(value: str) -> dict:
    """The signed preview back: {community, default_level, rows}; BulkInviteFileError
    if it was altered or is too old."""
    try:
        payload = signing.loads(value or "", salt=SIGNING_SALT, max_age=SIGNED_MAX_AGE)
    except signing.BadSignature as exc:
        raise BulkInviteFileError(
            _("The preview has expired or was changed. Upload the list again.")
        ) from exc
    payload["rows"] = [Row(**row) for row in payload["rows"]]
    return payload
