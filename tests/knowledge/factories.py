"""Knowledge items for tests, made through the services so rules and history follow."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import services
from knowledge.files import demo_pdf
from knowledge.models import KnowledgeItem

from ..factories import MembershipFactory

Status = KnowledgeItem.Status


def pdf_upload(name="plan.pdf", lines=("A plan",)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_pdf(list(lines)), content_type="application/pdf")


def text_upload(name="notes.txt", text="Step 1: ask.\n") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def ooxml_bytes(main_part: str, content_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0"?><Types><Override PartName="/{main_part}" '
            f'ContentType="{content_type}"/></Types>',
        )
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def contributor(community, **user_fields):
    fields = {f"user__{name}": value for name, value in user_fields.items()}
    return MembershipFactory(community=community, level="active", **fields).user


def curator(community, **user_fields):
    fields = {f"user__{name}": value for name, value in user_fields.items()}
    return MembershipFactory(community=community, level="core", **fields).user


def make_item(
    community,
    *,
    author=None,
    status=Status.PUBLISHED,
    publisher=None,
    upload=None,
    **fields,
) -> KnowledgeItem:
    """An item in `community`; published by a core member unless told otherwise."""
    author = author or contributor(community)
    fields.setdefault("kind", KnowledgeItem.Kind.STORY)
    fields.setdefault("title", "How we shortened waits")
    fields.setdefault("summary", "What worked for us.")
    if fields["kind"] == KnowledgeItem.Kind.DOCUMENT and upload is None:
        upload = pdf_upload()
    item = services.item_create(
        community=community,
        actor=author,
        upload=upload,
        submit_for_review=status != Status.DRAFT,
        **fields,
    )
    if status == Status.PUBLISHED:
        services.item_set_status(
            item=item, actor=publisher or curator(community), status=Status.PUBLISHED
        )
    return item
