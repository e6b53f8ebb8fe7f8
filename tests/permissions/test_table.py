"""docs/permission-matrix.md is the matrix the tests ask, written from the catalogue."""

from .table import DOCUMENT, render


def test_the_readable_permission_matrix_is_up_to_date():
    written = DOCUMENT.read_text() if DOCUMENT.exists() else ""

    assert written == render(), "run: .venv/bin/python -m tests.permissions.table"
