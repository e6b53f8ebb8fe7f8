"""Upload validation by content, safe stored names and download headers."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge.files import (
    CSV,
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    PPTX,
    TEXT,
    XLSX,
    content_disposition,
    demo_pdf,
    safe_stored_name,
    validate_upload,
)

from .factories import odt_bytes, ooxml_bytes

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81"
    b"\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG_BYTES = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\x00" * 32
    + b"\xff\xd9"
)
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SLIDES = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("plan.pdf", demo_pdf(["hello"]), PDF),
        ("plan.docx", ooxml_bytes("word/document.xml", WORD), DOCX),
        ("sheet.xlsx", ooxml_bytes("xl/workbook.xml", EXCEL), XLSX),
        ("slides.pptx", ooxml_bytes("ppt/presentation.xml", SLIDES), PPTX),
        ("notes.odt", odt_bytes(), ODT),
        ("chart.png", PNG_BYTES, PNG),
        ("photo.JPG", JPEG_BYTES, JPEG),
        ("photo.jpeg", JPEG_BYTES, JPEG),
        ("notes.txt", "Café: étape 1\n".encode(), TEXT),
        ("waits.csv", b"hour,minutes\n08,95\n", CSV),
    ],
)
def test_allowed_types_are_recognised_by_content(settings, name, content, kind):
    assert validate_upload(upload(name, content)) is kind


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),  # HTML disguised as PDF
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50),  # a Windows .exe
        ("report.pdf", b"Just some text, not a PDF at all"),  # text named .pdf
        ("report.txt", b"<!DOCTYPE html><html><body>hi</body></html>"),  # HTML named .txt
        ("picture.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("notes.txt", b'  <svg onload="alert(1)"/>'),
        ("data.csv", b"a,b\n<script>alert(1)</script>\n"),
        ("notes.txt", b"\xff\xfe not utf-8 \x00\x00"),  # binary / UTF-16
        ("notes.txt", b"text with a NUL\x00 byte"),
        ("report.pdf", demo_pdf(["cut"])[:-60]),  # a PDF cut off before its end
        ("chart.png", PNG_BYTES[:-12]),  # a PNG without its IEND chunk
        ("photo.jpg", JPEG_BYTES[:-2]),
        ("plan.docx", ooxml_bytes("word/document.xml", WORD)[:-30]),  # a truncated zip
        ("plan.docx", ooxml_bytes("xl/workbook.xml", EXCEL)),  # a spreadsheet named .docx
        ("plan.docx", odt_bytes()),
        ("archive.zip", ooxml_bytes("word/document.xml", WORD)),  # extension not allowed
        ("script.js", b"alert(1)"),
        ("page.html", b"<p>hi</p>"),
        ("drawing.svg", b"<svg></svg>"),
        ("noextension", b"plain words"),
    ],
)
def test_disguised_dangerous_or_broken_files_are_refused(name, content):
    with pytest.raises(ValidationError):
        validate_upload(upload(name, content))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("empty.txt", b""))
    assert refused.value.code == "empty"


def test_a_file_over_the_limit_is_refused_with_the_limit_named(settings):
    settings.KNOWLEDGE_MAX_UPLOAD_MB = 1
    big = upload("big.txt", b"a" * (1024 * 1024 + 1))

    with pytest.raises(ValidationError) as refused:
        validate_upload(big)

    assert refused.value.code == "too_big"
    assert "1.0" in refused.value.messages[0]


@pytest.mark.parametrize(
    "raw",
    [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\system32\\evil.pdf",
        "/absolute/path/report.pdf",
        "....//....//report.pdf",
        "re port <script>.pdf",
        "%2e%2e%2fsecret.pdf",
    ],
)
def test_stored_names_cannot_climb_out_or_carry_markup(raw):
    name = safe_stored_name(raw)

    assert "/" not in name and "\\" not in name and ".." not in name
    assert "<" not in name and " " not in name
    assert name.endswith(".pdf")
    # Server-made: 32 random hex digits and the extension, nothing of the member's name.
    assert len(name) == len("0" * 32 + ".pdf") and int(name[:32], 16) >= 0


def test_two_uploads_of_the_same_name_get_different_stored_names():
    assert safe_stored_name("plan.pdf") != safe_stored_name("plan.pdf")


def test_content_disposition_is_an_attachment_with_an_encoded_name():
    header = content_disposition("plan d\u2019action.pdf")

    assert header.startswith('attachment; filename="plan daction.pdf"')
    assert "filename*=UTF-8''plan%20d%E2%80%99action.pdf" in header
