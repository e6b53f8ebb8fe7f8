"""Uploaded files: what we accept, how they are named, and how they are served.

Accepted types are recognised by their content (magic bytes and structure), and the
name's extension must agree with what the content is: an HTML page named .pdf is
refused. HTML, SVG, scripts, empty and oversized files are refused. Stored names are
a random prefix plus the slugified original name, under knowledge/<community id>/,
so a name can never climb out of that folder or collide with another.

Files are never linked by their storage URL. The download views check permission and
then stream the file from local disk, or redirect to a short-lived signed URL on S3;
both always answer `Content-Disposition: attachment` with `nosniff`. The DEBUG media
route (copplatform/urls.py) serves only community images, never this folder.
"""

import codecs
import io
import os
import secrets
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

STORAGE_PREFIX = "knowledge"
HEAD_BYTES = 64 * 1024
TAIL_BYTES = 2048


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
DOCX = FileKind(
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
)
PPTX = FileKind(
    "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
ODT = FileKind("OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",))
PNG = FileKind("PNG", "image/png", (".png",))
JPEG = FileKind("JPEG", "image/jpeg", (".jpg", ".jpeg"))
TEXT = FileKind("text", "text/plain", (".txt",))
CSV = FileKind("CSV", "text/csv", (".csv",))
ALLOWED_KINDS = (PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG, TEXT, CSV)
ALLOWED_EXTENSIONS = tuple(ext for kind in ALLOWED_KINDS for ext in kind.extensions)

# Office Open XML: the main part that names the document type, and its content type
# as [Content_Types].xml must declare it.
OOXML_MAIN_PARTS = {
    "word/document.xml": (DOCX, b"wordprocessingml.document.main+xml"),
    "xl/workbook.xml": (XLSX, b"spreadsheetml.sheet.main+xml"),
    "ppt/presentation.xml": (PPTX, b"presentationml.presentation.main+xml"),
}
# Markup a browser could run if it ever ignored the attachment header: refused in text.
MARKUP_SIGNS = (b"<!doctype", b"<html", b"<svg", b"<script", b"<?xml", b"<iframe", b"<body")


def max_upload_bytes() -> int:
    return settings.KNOWLEDGE_MAX_UPLOAD_MB * 1024 * 1024


def allowed_types_text() -> str:
    return ", ".join(kind.label for kind in ALLOWED_KINDS)


def _reject(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _read_head_and_tail(uploaded) -> tuple[bytes, bytes]:
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    size = uploaded.size
    if size > TAIL_BYTES:
        uploaded.seek(size - TAIL_BYTES)
        tail = uploaded.read(TAIL_BYTES)
    else:
        tail = head
    uploaded.seek(0)
    return head, tail


def _zip_kind(uploaded) -> FileKind | None:
    """An Office Open XML or OpenDocument file, recognised by its parts."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                if archive.read("mimetype").strip() == ODT.content_type.encode():
                    return ODT
                return None
            if "[Content_Types].xml" not in names:
                return None
            declared = archive.read("[Content_Types].xml")
            for part, (kind, marker) in OOXML_MAIN_PARTS.items():
                if part in names and marker in declared:
                    return kind
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    return None


def _is_utf8_text(uploaded) -> bool:
    """Valid UTF-8 from start to end, with no NUL byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    uploaded.seek(0)
    try:
        for chunk in uploaded.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        uploaded.seek(0)
    return True


def detect_kind(uploaded) -> FileKind | None:
    """What the content is, from its bytes; None when it is none of the allowed types
    (or is one cut short: a PDF without its end marker, a PNG without IEND...)."""
    head, tail = _read_head_and_tail(uploaded)
    if head.startswith(b"%PDF-"):
        return PDF if b"%%EOF" in tail else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG if b"IEND\xaeB`\x82" in tail[-64:] else None
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG if b"\xff\xd9" in tail[-64:] else None
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(uploaded)
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(sign in lowered for sign in MARKUP_SIGNS):
        return None
    if _is_utf8_text(uploaded):
        return TEXT
    return None


def validate_upload(uploaded) -> FileKind:
    """The kind of an acceptable upload, or a ValidationError saying what is wrong."""
    name = original_name(uploaded.name)
    extension = os.path.splitext(name)[1].lower()
    if uploaded.size == 0:
        raise _reject(_("The file is empty. Choose the file again."), "empty")
    if uploaded.size > max_upload_bytes():
        raise _reject(
            _("The file must be %(limit)s or smaller; this one is %(size)s.")
            % {
                "limit": filesizeformat(max_upload_bytes()),
                "size": filesizeformat(uploaded.size),
            },
            "too_big",
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise _reject(
            _("We accept only these kinds of file: %(types)s.") % {"types": allowed_types_text()},
            "type",
        )
    kind = detect_kind(uploaded)
    if kind is TEXT and extension == ".csv":
        kind = CSV
    if kind is None or extension not in kind.extensions:
        raise _reject(
            _(
                "The file's content is not a complete %(expected)s file, or it is a type we do "
                "not accept (web pages, SVG images and scripts are refused). Accepted: %(types)s."
            )
            % {"expected": extension.lstrip(".").upper(), "types": allowed_types_text()},
            "content",
        )
    return kind


def original_name(raw: str) -> str:
    """The last part of whatever name the browser sent, without any folder."""
    return (raw or "").replace("\\", "/").split("/")[-1].strip()[:200]


def safe_stored_name(raw: str) -> str:
    """A random name made by the server, keeping only an allowed extension: nothing
    the browser sent (a folder, a dot-dot, markup, or a name that would tell what the
    file is about) reaches the storage key. The member's name is kept in `file_name`
    for the download."""
    extension = os.path.splitext(original_name(raw))[1].lower()
    extension = extension if extension in ALLOWED_EXTENSIONS else ""
    return f"{secrets.token_hex(16)}{extension}"


def knowledge_upload_to(instance, filename: str) -> str:
    return f"{STORAGE_PREFIX}/{instance.community_id}/{safe_stored_name(filename)}"


def download_filename(item_title: str, stored_name: str, original: str) -> str:
    name = original_name(original) or os.path.basename(stored_name)
    stem, extension = os.path.splitext(name)
    stem = slugify(stem)[:80] or slugify(item_title)[:80] or "file"
    return f"{stem}{extension.lower()}"


def content_disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "ignore").decode() or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def serve_file(*, stored_name: str, filename: str, content_type: str):
    """Stream the file from local disk, or redirect to a short-lived signed URL."""
    storage = storages["default"]
    content_type = content_type or "application/octet-stream"
    if isinstance(storage, FileSystemStorage):
        response = FileResponse(
            storage.open(stored_name, "rb"), as_attachment=True, filename=filename
        )
        response["Content-Type"] = content_type
    else:
        url = storage.url(
            stored_name,
            parameters={
                "ResponseContentDisposition": content_disposition(filename),
                "ResponseContentType": content_type,
            },
            expire=settings.KNOWLEDGE_DOWNLOAD_URL_EXPIRE,
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = content_disposition(filename)
    return response


def demo_pdf(lines: list[str]) -> bytes:
    """A small, valid one-page PDF of plain lines (for the demo data and the tests)."""

    def escape(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 12 Tf 72 740 Td 16 TL\n"
    stream += "".join(f"({escape(line)}) Tj T*\n" for line in lines) + "ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream".encode("latin-1"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()
