"""The one way this site writes CSV: every cell a spreadsheet could read as a formula
is neutralised (OWASP's "CSV injection").

A cell that starts with `=`, `+`, `-` or `@` (or with a tab or carriage return, which
some spreadsheets skip before reading one of those), even after leading spaces, gets a
leading apostrophe: Excel, LibreOffice and Google Sheets then show it as text. Numbers
passed as numbers are left alone. Every CSV the site serves goes through
`csv_response` (tests/security/test_csv_exports.py checks each export).
"""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value) -> str | int | float:
    """A cell value safe to open in a spreadsheet."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_rows(stream, rows: Iterable[Iterable]) -> None:
    """Write `rows` as CSV to any file-like `stream`, every cell neutralised."""
    writer = csv.writer(stream)
    for row in rows:
        writer.writerow([neutralise_cell(value) for value in row])


def csv_response(filename: str, rows: Iterable[Iterable]) -> HttpResponse:
    """An attachment `filename` (server-made, ASCII) holding `rows` as CSV."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    write_rows(response, rows)
    return response
