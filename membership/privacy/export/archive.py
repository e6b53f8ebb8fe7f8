"""Writing the archive: the parts as JSON, then the member's files."""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterable

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from membership.models import User

from .table import PARTS

SPOOL_BYTES = 8 * 1024 * 1024
FILES_DIR = "files"


def _their_files(user: User) -> list[tuple[str, str]]:
    """(stored name, path in the archive) of every file they uploaded: the file of
    each knowledge item version they saved, once each."""
    History = apps.get_model("knowledge", "HistoricalKnowledgeItem")
    rows = (
        History.objects.filter(history_user=user)
        .exclude(file="")
        .order_by("history_id")
        .values_list("id", "history_id", "file", "file_name")
    )
    seen, files = set(), []
    for item_id, history_id, stored, original in rows:
        if stored in seen:
            continue
        seen.add(stored)
        name = (original or stored.rsplit("/", 1)[-1]).replace("/", "_").replace("\\", "_")
        files.append((stored, f"{FILES_DIR}/knowledge/{item_id}/{history_id}-{name}"))
    return files


def _json(rows: Iterable) -> bytes:
    return json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def export_archive(*, user: User):
    """Write the member's archive to a temporary file and return it, rewound.

    Precondition: `user` is the signed-in member asking for their own data. The
    caller streams and closes the file."""
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    contents = {}
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for part in PARTS:
            rows = part.rows(user)
            contents[f"{part.name}.json"] = len(rows)
            zipped.writestr(f"{part.name}.json", _json(rows))
        missing = []
        for stored, path in _their_files(user):
            try:
                with default_storage.open(stored, "rb") as source, zipped.open(path, "w") as target:
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except (FileNotFoundError, OSError):
                missing.append(path)
                continue
            contents[path] = 1
        manifest = {
            "generated_at": timezone.now(),
            "contents": contents,
            "files_missing_from_storage": missing,
        }
        zipped.writestr("manifest.json", _json(manifest))
    archive.seek(0)
    return archive


def export_filename(*, user: User) -> str:
    return f"my-data-{timezone.now():%Y-%m-%d}.zip"
