"""Reading and writing member networks (CSV, JSON) and results (CSV), safely.

The formats are described in ``docs/formats.md``; in short:

- **Member CSV**: one row per member, columns ``id, name, organisation, sector,
  region, lat, lon, skills, needs, knows`` plus optional ``website`` and ``tags``
  (French headers such as ``nom``, ``secteur``, ``compétences``, ``besoins`` are
  understood too). Multi-valued cells (``skills``, ``needs``, ``tags``, ``knows``)
  separate their items with ``|``; a literal ``|`` inside an item is written ``\\|``
  and a literal backslash ``\\\\``. Any other column is kept, verbatim, in
  :attr:`Member.attributes <netmatch.Member.attributes>`. Delimiter ``,`` or ``;``
  (detected), UTF-8 with or without BOM, or Windows-1252 (detected).
- **JSON**: everything a :class:`~netmatch.Network` holds (members, acquaintances,
  meetings with event and date, declines); ``read_json(write_json(net)) == net``.
- **Spreadsheet safety**: every CSV netmatch writes prefixes a text cell that a
  spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab,
  carriage return or line feed) with an apostrophe ``'``; the readers remove it
  again, so ``read_csv(write_csv(net))`` returns exactly the text that was typed.
- **Limits** (:class:`IOLimits`): file size, cell size, row size, columns, items per
  multi-valued cell, JSON nesting and containers — each refused with a clear
  :class:`~netmatch.InvalidInputError`, in bounded memory.
- **Atomic writes**: every writer writes a temporary file in the target directory
  and renames it into place, so a failed write never leaves a half-written file.

Every error in a file raises :class:`~netmatch.InvalidInputError` naming the file,
the line (physical line, counting line breaks inside quoted cells) and the field.
"""

from __future__ import annotations

# Also re-exported (``X as X``) for the modules that use them as ``netmatch.io.X``.
from ._csv import DEFAULT_LIMITS, IOLimits, escape_cell, join_items, split_items, unescape_cell
from ._csv import FORMULA_TRIGGERS as FORMULA_TRIGGERS
from ._csv import SEPARATOR as SEPARATOR
from ._csv import PathLike as PathLike
from ._csv import _atomic_write as _atomic_write
from ._headers import RECOGNISED_HEADERS as RECOGNISED_HEADERS
from ._readreport import ReadReport, Split
from .constraints import (
    read_attendance,
    read_availability,
    read_hosts,
    read_keep_apart,
    read_keep_together,
    read_meeting_requests,
)
from .excel import read_excel, read_members, write_plan_excel
from .json import JSON_FORMAT as JSON_FORMAT
from .json import JSON_VERSION as JSON_VERSION
from .json import read_json, write_json
from .members import is_reserved_column, read_acquaintances_csv, read_csv, write_csv
from .plan import read_plan_csv
from .records import (
    write_introductions_csv,
    write_plan_csv,
    write_records_csv,
    write_schedule_csv,
)

__all__ = [
    "DEFAULT_LIMITS",
    "IOLimits",
    "ReadReport",
    "Split",
    "escape_cell",
    "is_reserved_column",
    "join_items",
    "read_acquaintances_csv",
    "read_attendance",
    "read_availability",
    "read_csv",
    "read_excel",
    "read_hosts",
    "read_json",
    "read_keep_apart",
    "read_keep_together",
    "read_meeting_requests",
    "read_members",
    "read_plan_csv",
    "split_items",
    "unescape_cell",
    "write_csv",
    "write_introductions_csv",
    "write_json",
    "write_plan_csv",
    "write_plan_excel",
    "write_records_csv",
    "write_schedule_csv",
]
