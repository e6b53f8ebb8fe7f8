"""Canaries for the canary crawl (tests/permissions/test_canary_crawl.py).

The permission matrix's World writes one shared secret into everything private it
makes. `plant` adds what the World does not make (an announcement, mentions of the
non-members, a draft item, a meeting place, hidden member names...), then rewrites
every stored copy of the secret, row by row and field by field across every model
(history tables, notifications, activity rows and delivery records included), and
inside every stored file, into a canary of its own: `zebra CNRY0042`. A canary found
on a page therefore names the row and field that leaked; "zebra" is a plain word
search can find the rows by, without the query itself ever holding a canary.
"""

from __future__ import annotations

import email.message
import html
import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from . import expected as E

WORD = "zebra"
# A whole canary names its row; a bare prefix is a truncated one (still a leak).
# Word boundaries keep a random token ("...xCnRy...") from passing for one.
FOUND = re.compile(r"\bcnry\d{0,4}\b", re.IGNORECASE)


class Canaries:
    """The canaries planted in one world: token -> what it is."""

    def __init__(self, secrets: list[str]):
        self.secrets = secrets
        self.names: dict[str, str] = {}

    def new(self, what: str) -> str:
        token = f"CNRY{len(self.names) + 1:04d}"
        self.names[token] = what
        return token

    def __len__(self):
        return len(self.names)

    # --- planting ---------------------------------------------------------------------

    def _replacement(self, field, token: str) -> str:
        # URLs and addresses take no space.
        joiner = "-" if isinstance(field, models.URLField | models.EmailField) else " "
        return f"{WORD}{joiner}{token}"

    def _rewrite(self, value: str, field, what: str) -> str:
        token = self.new(what)
        for secret in self.secrets:
            value = value.replace(secret, self._replacement(field, token))
        return value

    def rewrite_database(self) -> None:
        """Every text (and JSON) value holding a secret gets a canary of its own."""
        for model in apps.get_models():
            fields = [
                field
                for field in model._meta.concrete_fields
                if isinstance(field, models.CharField | models.TextField | models.JSONField)
                and not isinstance(field, models.SlugField)
                and not field.choices
            ]
            if not fields:
                continue
            rows = model._base_manager.all()  # soft-deleted rows too
            if not any(isinstance(field, models.JSONField) for field in fields):
                # JSON values are compared as text below, row by row; text in SQL.
                condition = models.Q()
                for field in fields:
                    for secret in self.secrets:
                        condition |= models.Q(**{f"{field.attname}__contains": secret})
                rows = rows.filter(condition)
            names = [field.attname for field in fields]
            for row in rows.values("pk", *names):
                changes = {}
                for field in fields:
                    value = row[field.attname]
                    if isinstance(field, models.JSONField):
                        text = json.dumps(value)
                        if any(json.dumps(s)[1:-1] in text for s in self.secrets):
                            what = f"{model._meta.label}.{field.name} #{row['pk']}"
                            changes[field.attname] = json.loads(self._rewrite(text, field, what))
                    elif value and any(secret in value for secret in self.secrets):
                        what = f"{model._meta.label}.{field.name} #{row['pk']}"
                        changes[field.attname] = self._rewrite(value, field, what)
                if changes:
                    model._base_manager.filter(pk=row["pk"]).update(**changes)

    def rewrite_files(self) -> int:
        """Every stored file holding a secret gets a canary of its own, in its bytes:
        every file under the storage's root, whichever row (or history row) names it."""
        rewritten = 0
        for path in sorted(Path(default_storage.location).rglob("*")):
            if not path.is_file():
                continue
            content = path.read_bytes()
            if not any(secret.encode() in content for secret in self.secrets):
                continue
            token = self.new(f"file {path.relative_to(default_storage.location)}")
            for secret in self.secrets:
                content = content.replace(secret.encode(), f"{WORD} {token}".encode())
            path.write_bytes(content)
            rewritten += 1
        return rewritten

    # --- finding ---------------------------------------------------------------------

    def found_in(self, text: str) -> list[str]:
        """What leaked into this text: canaries by name, bare secrets as they are."""
        text = unquote(html.unescape(text))
        found = []
        for match in FOUND.finditer(text):
            token = match.group(0).upper()
            found.append(f"{token} ({self.names.get(token, 'a cut canary')})")
        found += [f"the secret {secret!r}" for secret in self.secrets if secret in text]
        return sorted(set(found))


def text_of_response(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK\x03\x04"):
        # An archive (the personal data export): what is inside is read, file by file.
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"\n".join(archive.read(name) for name in sorted(archive.namelist()))
    text = raw.decode(errors="replace")
    if "text/calendar" in response.get("Content-Type", ""):
        text = unfold_ics(text)
    return text + " " + response.get("Location", "") + " " + response.get("Content-Disposition", "")


def unfold_ics(text: str) -> str:
    """RFC 5545 folds lines at 75 octets: a canary may straddle a fold."""
    return text.replace("\r\n ", "").replace("\n ", "")


def text_of_email(message: email.message.EmailMessage) -> str:
    parts = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_content()
        parts.append(payload if isinstance(payload, str) else payload.decode(errors="replace"))
    return "\n".join(parts)


# --- what the World does not make -------------------------------------------------------


def add_private_content(world, *, secret: str, member_name: str) -> None:
    """More private objects, each holding the secret (rewritten into canaries later).

    Members' names become the secret member's, so a hidden (or private) community's
    member list cannot leak by name either."""
    from communities.discussions import services as discussions
    from communities.events import services as events
    from facilitation.coordination.services import announcement_send_many
    from knowledge import services as knowledge
    from knowledge.models import KnowledgeItem
    from membership.models import Membership, OnboardingStep, User

    community, actors = world.community, world.actors
    Community = type(community)
    fields = {"welcome_message": secret}
    if community.visibility == Community.Visibility.HIDDEN:
        # A hidden community's name and purpose are as private as its content.
        fields |= {"purpose": f"{secret} purpose", "description": f"{secret} description"}
    Community.objects.filter(pk=community.pk).update(**fields)
    community.refresh_from_db()

    announcement = discussions.thread_create(
        community=community,
        author=actors[E.CORE],
        kind="announcement",
        title=f"Notice {secret}",
        body=f"{secret} announcement",
    )
    announcement_send_many(
        actor=actors[E.FAC_THIS],
        communities=[community],
        title=f"From the team {secret}",
        body=f"{secret} team announcement",
    )
    # Mentions of every non-member: none of them may be notified.
    outsiders = [actors[a] for a in NON_MEMBERS if actors[a] is not None]
    mentions = " ".join(f"@[{p.display_name}](member:{p.pk})" for p in outsiders)
    discussions.reply_create(
        thread=announcement, author=actors[E.ACTIVE], body=f"{mentions} see {secret}"
    )
    discussions.thread_create(
        community=community,
        author=actors[E.ACTIVE],
        kind="discussion",
        title=f"Mentioning {secret}",
        body=f"{mentions} {secret}",
    )
    OnboardingStep.objects.create(community=community, title=f"Read {secret}", position=2)
    knowledge.item_create(
        community=community,
        actor=actors[E.ACTIVE],
        kind=KnowledgeItem.Kind.STORY,
        title=f"Draft {secret}",
        summary=f"{secret} draft summary",
        body=f"{secret} draft",
        upload=None,
        submit_for_review=False,
    )
    start = timezone.now() + timedelta(days=2)
    events.event_create(
        community=community,
        organiser=actors[E.CORE],
        title=f"Clinic {secret}",
        agenda=f"{secret} agenda",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone="America/Toronto",
        place=f"Room {secret}",
        online_url=f"https://meet.example.org/{secret}",
    )
    member_ids = Membership.objects.filter(community=community).values("user_id")
    User.objects.filter(pk__in=member_ids).update(
        display_name=member_name, organisation=secret, bio=f"{secret} bio"
    )


NON_MEMBERS = [E.ANON, E.OUTSIDER, E.PENDING, E.INVITED, E.FAC_OTHER, E.LEADER]
