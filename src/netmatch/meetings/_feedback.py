"""read_feedback: what members said after their meetings, from a questionnaire CSV.

Self-contained on purpose (the csv module, UTF-8 or Windows-1252, ``,`` ``;`` or tab),
so that it does not depend on the member reader's internals.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import warnings
from collections.abc import Iterator
from typing import IO

from ..errors import InvalidInputError, NetmatchWarning, UnknownMemberError
from ..io._csv import parse_yes_no
from ..network import Network, Outcome

__all__ = ["read_feedback"]

_MAX_BYTES = 64 * 1024 * 1024

# Column names compared without accents, case, spaces, dashes or underscores.
_COLUMNS = {
    "who": ("who", "member", "memberid", "id", "qui", "membre", "respondent", "repondant"),
    "with": ("with", "withwhom", "other", "withid", "avec", "avecqui", "interlocuteur"),
    "took_place": (
        "tookplace", "met", "happened", "held", "aeulieu", "eulieu", "rencontre",
        "rendezvous", "realise",
    ),
    "useful": ("useful", "usefulness", "rating", "score", "utile", "utilite", "note"),
    "follow_up": ("followup", "suite", "suivi", "donnersuite", "asuivre"),
    "comment": ("comment", "comments", "commentaire", "commentaires", "remarque", "remarques"),
    "event": ("event", "evenement"),
    "when": ("when", "date"),
}  # fmt: skip
_ALIASES = {alias: field for field, names in _COLUMNS.items() for alias in names}
_RATING = re.compile(r"^\s*([1-5])(?:[.,]0+)?\s*(?:/\s*5)?\s*$")


def _key(text: str) -> str:
    # "Utile ? (1-5)" and "Useful (1 to 5)" name the same column as "useful".
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", text)
    plain = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in plain if ch.isalnum())


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # spreadsheets on Windows
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        byte = data[err.start : err.start + 1]
        raise InvalidInputError(
            f"the file is neither UTF-8 nor Windows-1252 (byte {byte!r})",
            source=source,
            line=line,
        ) from None


def _read_text(path: str | os.PathLike[str] | IO[str] | IO[bytes]) -> tuple[str, str]:
    if isinstance(path, (str, os.PathLike)):
        source = os.fspath(path)
        try:
            with open(path, "rb") as f:
                data = f.read(_MAX_BYTES + 1)
        except OSError as err:
            raise InvalidInputError(
                f"cannot read the file: {err.strerror}", source=source
            ) from None
        if len(data) > _MAX_BYTES:
            raise InvalidInputError(f"larger than {_MAX_BYTES} bytes", source=source)
        return source, _decode(data, source)
    source = str(getattr(path, "name", "<stream>"))
    content = path.read()
    if isinstance(content, bytes):
        return source, _decode(content, source)
    return source, content.removeprefix("\ufeff")


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = re.sub(r'"[^"]*"', "", first)
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _rows(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    previous = 0
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise InvalidInputError(f"malformed CSV: {err}", source=source, line=start) from None
        previous = reader.line_num
        if any(cell.strip() for cell in row):
            yield start, row


def _rating(text: str, source: str, line: int) -> int | None:
    if not text.strip():
        return None
    match = _RATING.match(text)
    if match is None:
        raise InvalidInputError(
            f"expected a rating from 1 to 5, got {text!r}", source=source, line=line, field="useful"
        )
    return int(match.group(1))


def _resolver(network: Network | None) -> dict[str, str | None]:
    """Casefolded member name -> id (None when two members share the name)."""
    names: dict[str, str | None] = {}
    if network is not None:
        for m in network.members:
            key = m.name.strip().casefold()
            names[key] = None if key in names else m.id
    return names


def _member(
    text: str, network: Network | None, names: dict[str, str | None], where: tuple[str, int, str]
) -> str:
    source, line, field = where
    value = text.strip()
    if not value:
        raise InvalidInputError("empty", source=source, line=line, field=field)
    if network is None or value in network:
        return value
    key = value.casefold()
    if key in names:
        found = names[key]
        if found is None:
            raise InvalidInputError(
                f"{value!r} is the name of several members; use the member id",
                source=source,
                line=line,
                field=field,
            )
        return found
    raise UnknownMemberError(
        value, f"{source}, line {line}, field {field!r}: unknown member {value!r}"
    )


def read_feedback(
    path: str | os.PathLike[str] | IO[str] | IO[bytes],
    network: Network | None = None,
    *,
    event: str | None = None,
    when: str | None = None,
) -> tuple[Outcome, ...]:
    """Read a feedback questionnaire: one row per answer about one meeting.

    Columns (French names work too; case, accents and spaces do not matter):
    ``who`` (qui), ``with`` (avec), ``took_place`` (a eu lieu: yes/no, oui/non),
    ``useful`` (utile: 1–5, optional), ``follow_up`` (suite: yes/no, optional),
    ``comment`` (commentaire, optional), and optionally ``event`` and ``date``.
    Fields may be separated by ``,``, ``;`` or tabs; the file may be UTF-8 or
    Windows-1252. Other columns are ignored with a :class:`~netmatch.NetmatchWarning`.

    Parameters
    ----------
    path : str, path or file object
    network : Network, optional
        When given, ``who`` and ``with`` must be its members (ids, or names that
        only one member has) and the outcomes are recorded on it with
        :meth:`~netmatch.Network.record_outcomes` — after every row has been checked,
        so a bad file records nothing.
    event : str, optional
        The event, for files without an ``event`` column (a value in the column wins).
    when : str, optional
        The date, for files without a ``date`` column.

    Returns
    -------
    tuple of Outcome
        In file order.

    Raises
    ------
    InvalidInputError
        A missing column, a bad value or a repeated answer; the message names the
        file, line and field.
    UnknownMemberError
        With ``network``, someone who is not a member.

    Examples
    --------
    >>> import io
    >>> net = nm.Network([nm.Member("m1", "Ana"), nm.Member("m2", "Bo")])
    >>> text = "qui;avec;a eu lieu;utile;suite;commentaire\\nm1;Bo;oui;4;oui;devis envoyé\\n"
    >>> outcomes = nm.read_feedback(io.StringIO(text), net, event="Club mars")
    >>> outcomes[0].b, outcomes[0].useful, outcomes[0].follow_up, net.met("m1", "m2")
    ('m2', 4, True, True)
    """
    if network is not None and not isinstance(network, Network):
        raise InvalidInputError(
            f"network must be a Network, got {type(network).__name__}", field="network"
        )
    source, text = _read_text(path)
    rows = _rows(text, source)
    try:
        header_line, header = next(rows)
    except StopIteration:
        raise InvalidInputError(
            "the file is empty: expected a header with who, with, took_place", source=source
        ) from None
    columns = _columns(header, source, header_line, event)
    names = _resolver(network)
    outcomes: list[Outcome] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        outcome = _outcome(row, columns, source, line, network, names, event, when)
        key = (outcome.a, outcome.b, outcome.event)
        if key in seen:
            raise InvalidInputError(
                f"repeats the answer of line {seen[key]} ({outcome.a!r} about {outcome.b!r} "
                f"at {outcome.event!r})",
                source=source,
                line=line,
            )
        seen[key] = line
        outcomes.append(outcome)
    if not outcomes:
        raise InvalidInputError("no answers below the header", source=source)
    if network is not None:
        network.record_outcomes(outcomes)
    return tuple(outcomes)


def _columns(header: list[str], source: str, line: int, event: str | None) -> dict[str, int]:
    columns: dict[str, int] = {}
    ignored = []
    for i, name in enumerate(header):
        field = _ALIASES.get(_key(name))
        if field is None:
            if name.strip():
                ignored.append(name.strip())
            continue
        if field in columns:
            raise InvalidInputError(
                f"two columns mean {field!r}: {header[columns[field]]!r} and {name!r}",
                source=source,
                line=line,
                field=name,
            )
        columns[field] = i
    for needed in ("who", "with", "took_place"):
        if needed not in columns:
            raise InvalidInputError(
                f"no {needed!r} column (found {', '.join(map(repr, header))})",
                source=source,
                line=line,
                field=needed,
            )
    if "event" not in columns and event is None:
        raise InvalidInputError(
            "no 'event' column: pass event=... to say which event the answers are about",
            source=source,
            field="event",
        )
    if ignored:
        warnings.warn(
            f"{source}: columns ignored: {', '.join(map(repr, ignored))}",
            NetmatchWarning,
            stacklevel=3,
        )
    return columns


def _outcome(
    row: list[str],
    columns: dict[str, int],
    source: str,
    line: int,
    network: Network | None,
    names: dict[str, str | None],
    event: str | None,
    when: str | None,
) -> Outcome:
    def cell(field: str) -> str:
        i = columns.get(field)
        return row[i] if i is not None and i < len(row) else ""

    a = _member(cell("who"), network, names, (source, line, "who"))
    b = _member(cell("with"), network, names, (source, line, "with"))
    if a == b:
        raise InvalidInputError(
            f"{a!r} answered about themself", source=source, line=line, field="with"
        )
    took_place = parse_yes_no(cell("took_place"), source, line, "took_place")
    if took_place is None:
        raise InvalidInputError(
            "empty: say whether the meeting took place (yes/no)",
            source=source,
            line=line,
            field="took_place",
        )
    try:
        return Outcome(
            a,
            b,
            event=cell("event").strip() or event,
            took_place=took_place,
            useful=_rating(cell("useful"), source, line),
            follow_up=parse_yes_no(cell("follow_up"), source, line, "follow_up"),
            comment=cell("comment"),
            when=cell("when").strip() or when,
        )
    except InvalidInputError as err:
        raise InvalidInputError(err.message, source=source, line=line, field=err.field) from None
