"""Everything the platform holds about one member, as a ZIP: one JSON file per area
and the files they uploaded.

The archive is built in the request, synchronously: a member's rows are a few
thousand at most and each part is one query (measured in tests/privacy/
test_export.py), and the ZIP is spooled to a temporary file (in memory up to
SPOOL_BYTES, on disk beyond) and streamed from there, so uploaded files never sit
whole in memory.

Coverage is declared, not hoped for: every foreign key to the user model, in every
installed app, is either exported by one of PARTS (`covers`) or listed in EXCLUDED
with the reason. tests/privacy/test_export.py walks the models and fails when a new
relation to a user is in neither.

Other people's private data stays out: a part exports what the member wrote, chose
or was told, and names other people only where the platform already shows them the
name (the people in their own conversations). Nobody else's email address is ever
exported, nor what other people wrote in places the member cannot read.
"""

from .archive import export_archive, export_filename
from .readers import own_addresses
from .table import EXCLUDED, PARTS, Part

__all__ = ["EXCLUDED", "PARTS", "Part", "export_archive", "export_filename", "own_addresses"]
