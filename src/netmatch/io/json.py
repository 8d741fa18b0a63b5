"""The netmatch JSON format: everything a Network holds, read back equal."""

from __future__ import annotations

import contextlib
import json
import json.scanner
import math
import re
import warnings
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from .._validation import LookalikeIds
from ..errors import InvalidInputError, NetmatchWarning, UnknownMemberError
from ..model import Member
from ..network import Network
from ._csv import (
    DEFAULT_LIMITS,
    IOLimits,
    PathLike,
    _atomic_write,
    _line_of_offset,
    _read_bytes,
    _source,
)
from .members import _LIST_FIELDS

JSON_FORMAT = "netmatch"
JSON_VERSION = 1


# -- JSON ---------------------------------------------------------------------------------
def write_json(network: Network, path: PathLike, *, indent: int | None = None) -> None:
    """Write everything a network holds as JSON; :func:`read_json` reads it back equal.

    The document is ``{"format": "netmatch", "version": 1, "name": ...,
    "members": [Member.to_dict(), ...], "acquaintances": [[a, b], ...],
    "meetings": [{"a", "b", "event", "when"}, ...], "declines": [[a, b], ...]}``,
    UTF-8, replaced atomically. By default each member, pair and meeting sits on a
    line of its own (compact, quick to write, and error lines point at one member);
    ``indent=2`` pretty-prints everything instead.

    Parameters
    ----------
    network : Network
    path : str or path-like
    indent : int, optional
        Pretty-print with this indent instead of one record per line.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = nm.datasets.load_demo()
    >>> a, b = net.ids[:2]
    >>> net.record_meeting(a, b, event="Speed meeting", when="2026-03-12")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.json"
    >>> nm.write_json(net, path)
    >>> nm.read_json(path) == net
    True
    """
    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network, got {type(network).__name__}")
    document = {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "name": network.name,
        "members": [m.to_dict() for m in network.members],
        "acquaintances": [list(p) for p in network.acquaintance_pairs()],
        "meetings": [m.to_dict() for m in network.meetings()],
        "declines": [list(p) for p in network.declined_pairs()],
    }

    def write(handle: TextIO) -> None:
        if indent is not None:
            json.dump(document, handle, ensure_ascii=False, indent=indent, allow_nan=False)
            handle.write("\n")
            return
        encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
        handle.write("{")
        for i, (key, value) in enumerate(document.items()):
            handle.write(",\n" if i else "\n")
            handle.write(f" {json.dumps(key)}: ")
            if isinstance(value, list):
                handle.write("[")
                for j, item in enumerate(value):
                    handle.write(",\n  " if j else "\n  ")
                    handle.write(encode(item))
                handle.write("\n ]" if value else "]")
            else:
                handle.write(encode(value))
        handle.write("\n}\n")

    _atomic_write(path, write, encoding="utf-8")




def _check_json_shape_limits(data: bytes, source: str, limits: IOLimits) -> None:
    """Refuse too deep or too many arrays/objects, or more members and meetings than
    ``limits.max_lines``, before parsing, in bounded memory."""
    import numpy as np  # only for large files: keeps the import of netmatch quick

    brackets = data.count(b"[") + data.count(b"{")
    if brackets <= min(limits.max_json_depth, limits.max_json_containers, limits.max_lines):
        return  # too few brackets to break any limit, wherever they are
    # Strings may hold brackets: leave out what is inside quotes (an unclosed string
    # runs to the end). Escaped backslashes, then escaped quotes, are dropped first
    # (pairs from the left, as JSON reads them), so every quote left opens or closes a
    # string; numpy then follows their parity. (A regex removing the strings built a
    # list of every piece: 3 GB and 9 s for 100 MiB of tiny members.)
    cleaned = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    depth = 0
    containers = 0
    records = 0  # objects in the top-level lists: members and meetings
    quotes = 0
    chunk = 1 << 20
    for start in range(0, len(cleaned), chunk):
        part = np.frombuffer(
            cleaned, dtype=np.uint8, count=min(chunk, len(cleaned) - start), offset=start
        )
        parity = np.cumsum(part == ord('"'), dtype=np.int64) + quotes
        outside = parity % 2 == 0
        objects = (part == ord("{")) & outside
        opens = objects | ((part == ord("[")) & outside)
        closes = ((part == ord("]")) | (part == ord("}"))) & outside
        steps = opens.astype(np.int32) - closes.astype(np.int32)
        levels = depth + np.cumsum(steps, dtype=np.int64)
        if levels.size and int(levels.max()) > limits.max_json_depth:
            raise InvalidInputError(
                f"JSON nested more than {limits.max_json_depth} levels deep (the limit)",
                source=source,
            )
        containers += int(opens.sum())
        records += int((objects & (levels == 3)).sum())
        if records > limits.max_lines:
            raise InvalidInputError(
                f"more than {limits.max_lines} members and meetings, the limit "
                "(pass limits=IOLimits(max_lines=...) to read them)",
                source=source,
            )
        if containers > limits.max_json_containers:
            raise InvalidInputError(
                f"more than {limits.max_json_containers} JSON arrays and objects (the limit)",
                source=source,
            )
        if levels.size:
            depth = int(levels[-1])
            quotes = int(parity[-1])


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key
        self.offset: int | None = None  # where the object holding the key starts


_TOP_KEYS = ("format", "version", "name", "members", "acquaintances", "meetings", "declines")


def _json_error(message: str, source: str, field: str | None) -> InvalidInputError:
    return InvalidInputError(message, source=source, field=field)


def _may_hold_long_text(data: bytes, limit: int) -> bool:
    """Whether some JSON string could be longer than ``limit`` characters (cheap, numpy).

    Without escaped quotes, every string lies between two consecutive quote bytes,
    and a character takes at least one byte: if no two quotes are more than
    ``limit`` bytes apart, no string is too long and the exact check can be skipped.
    """
    import numpy as np  # only for large files: keeps the import of netmatch quick

    if len(data) <= limit:
        return False
    if b'\\"' in data:
        return True
    quotes = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord('"'))
    if quotes.size < 2:
        return True
    return bool(np.diff(quotes).max() > limit)


def _check_member_texts(item: Any, where: str, source: str, limits: IOLimits) -> None:
    """Refuse a member whose texts (fields, items, attribute keys/values) are too long."""
    if not isinstance(item, dict):
        return  # Member.from_dict reports the shape
    limit = limits.max_cell_chars
    for key, value in item.items():
        if isinstance(value, dict):
            texts: Iterable[Any] = (*value.keys(), *value.values())
        elif isinstance(value, list):
            texts = value
        else:
            texts = (key, value)
        longest = max((len(t) for t in texts if isinstance(t, str)), default=0)
        if longest > limit:
            raise _json_error(
                f"a text of {longest} characters, more than the limit of {limit}",
                source,
                f"{where}.{key}",
            )


def _check_text_length(value: object, path: str, source: str, limits: IOLimits) -> None:
    """Refuse a network name, event or date longer than a cell may be."""
    if isinstance(value, str) and len(value) > limits.max_cell_chars:
        raise _json_error(
            f"a text of {len(value)} characters, more than the limit of {limits.max_cell_chars}",
            source,
            path,
        )


def _check_unicode(value: Any, path: str, source: str) -> None:
    """Refuse strings that are not valid Unicode (lone surrogates from ``\\ud800``).

    They would be accepted here and make every writer fail later, far from the file.
    """
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as err:
                raise _json_error(
                    f"text {item[: err.start + 1]!r}… is not valid Unicode (a lone surrogate "
                    f"at character {err.start + 1})",
                    source,
                    where or None,
                ) from None
        elif isinstance(item, dict):
            for key, sub in item.items():
                child = f"{where}.{key}" if where else str(key)
                stack.append((key, child))
                stack.append((sub, child))
        elif isinstance(item, list):
            stack.extend((sub, f"{where}[{i}]") for i, sub in enumerate(item))


_MEMBER_TEXT_FIELDS = ("organisation", "sector", "region", "website")


def _check_member_types(item: Any, where: str, source: str) -> None:
    """Types of a member's fields, named by JSON path (no silent conversion)."""
    if not isinstance(item, dict):
        return  # Member.from_dict reports the shape
    for field in ("id", "name"):
        if field in item and not isinstance(item[field], str):
            raise _json_error(
                f"{field} must be a string, got {type(item[field]).__name__}",
                source,
                f"{where}.{field}",
            )
    for field in _MEMBER_TEXT_FIELDS:
        value = item.get(field)
        if value is not None and not isinstance(value, str):
            raise _json_error(
                f"{field} must be a string or null, got {type(value).__name__}",
                source,
                f"{where}.{field}",
            )
    for field in _LIST_FIELDS:
        value = item.get(field)
        if value is None:
            continue
        if not isinstance(value, list):
            kind = "an object" if isinstance(value, dict) else type(value).__name__
            raise _json_error(
                f"{field} must be a list of strings, got {kind}", source, f"{where}.{field}"
            )
        for k, entry in enumerate(value):
            if not isinstance(entry, str):
                raise _json_error(
                    f"{field}[{k}] must be a string, got {type(entry).__name__}",
                    source,
                    f"{where}.{field}",
                )
    location = item.get("location")
    if location is not None:
        ok = isinstance(location, list) and len(location) == 2
        for coordinate in location if ok else ():
            if isinstance(coordinate, bool) or not isinstance(coordinate, (int, float)):
                ok = False
            else:
                try:
                    ok = ok and math.isfinite(float(coordinate))
                except OverflowError:
                    ok = False
        if not ok:
            raise _json_error(
                f"location must be [latitude, longitude], two finite numbers, got "
                f"{_short(location)}",
                source,
                f"{where}.location",
            )
    attributes = item.get("attributes")
    if attributes is not None:
        if not isinstance(attributes, dict):
            raise _json_error(
                f"attributes must be an object of strings, got {type(attributes).__name__}",
                source,
                f"{where}.attributes",
            )
        for key, value in attributes.items():
            if not isinstance(value, str):
                raise _json_error(
                    f"attribute {key!r} must be a string, got {type(value).__name__}",
                    source,
                    f"{where}.attributes",
                )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _json_list(document: dict[str, Any], key: str, source: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise _json_error(f"{key!r} must be a list, got {type(value).__name__}", source, key)
    return value


def _json_pair(value: Any, where: str, source: str) -> tuple[str, str]:
    if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, str) for v in value):
        raise _json_error(f"expected a pair of member ids, got {value!r}", source, where)
    return value[0], value[1]


@contextlib.contextmanager
def _json_context(where: str, source: str) -> Iterator[None]:
    """Re-raise a Network error about a JSON link as InvalidInputError naming its path."""
    try:
        yield
    except UnknownMemberError as err:
        raise _json_error(str(err), source, where) from None
    except InvalidInputError as err:
        raise _json_error(err.message, source, where) from None


def read_json(path: PathLike, *, limits: IOLimits | None = None) -> Network:
    """Read a network written by :func:`write_json`.

    Parameters
    ----------
    path : str or path-like
        A UTF-8 JSON file (with or without BOM).
    limits : IOLimits, optional
        Size limits (:data:`DEFAULT_LIMITS` when None).

    Returns
    -------
    Network

    Raises
    ------
    InvalidInputError
        For malformed JSON (with its line), a wrong shape, an invalid member, a
        duplicate id, a link naming an unknown member or a limit exceeded; ``field``
        is the JSON path (``members[3].location``).
    OSError
        When the file cannot be opened.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.json"
    >>> _ = path.write_text('{"members": [{"id": "m1", "name": "Ana"}]}', encoding="utf-8")
    >>> nm.read_json(path).member("m1").name
    'Ana'
    >>> _ = path.write_text('{"members": [{"id": "m1"}]}', encoding="utf-8")
    >>> nm.read_json(path)
    Traceback (most recent call last):
    ...
    netmatch.errors.InvalidInputError: ...net.json, line 1, field 'members[0].name': member has ...
    """
    limits = DEFAULT_LIMITS if limits is None else limits
    if not isinstance(limits, IOLimits):
        raise TypeError(f"limits must be an IOLimits, got {type(limits).__name__}")
    source = _source(path)
    data = _read_bytes(path, source, limits)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InvalidInputError(
            f"JSON must be UTF-8: byte {data[err.start : err.start + 1]!r} is not",
            source=source,
            line=_line_of_offset(data, err.start),
        ) from None
    _check_json_shape_limits(data, source, limits)
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as err:
        raise InvalidInputError(
            f"malformed JSON: {err.msg} (column {err.colno})", source=source, line=err.lineno
        ) from None
    except _DuplicateKeyError as err:
        raise InvalidInputError(
            f"key {err.key!r} appears twice in one object",
            source=source,
            line=_duplicate_key_line(text),
            field=err.key,
        ) from None
    except (ValueError, RecursionError) as err:
        raise InvalidInputError(f"malformed JSON: {err}", source=source) from None
    try:
        return _network_from_json(
            document, source, limits, long_texts=_may_hold_long_text(data, limits.max_cell_chars)
        )
    except InvalidInputError as err:
        line = _json_line(text, err.field) if err.line is None and err.field else None
        if line is None:
            raise
        raise InvalidInputError(err.message, source=source, line=line, field=err.field) from None


def _network_from_json(
    document: Any, source: str, limits: IOLimits, *, long_texts: bool = True
) -> Network:
    if not isinstance(document, dict):
        raise _json_error(
            f"the document must be an object with 'members', got {type(document).__name__}",
            source,
            None,
        )
    unknown = [k for k in document if k not in _TOP_KEYS]
    if unknown:
        raise _json_error(f"unknown key(s) {unknown}", source, unknown[0])
    if document.get("format", JSON_FORMAT) != JSON_FORMAT:
        raise _json_error(
            f"'format' must be {JSON_FORMAT!r}, got {document['format']!r}", source, "format"
        )
    version = document.get("version", JSON_VERSION)
    if version != JSON_VERSION or isinstance(version, bool):
        raise _json_error(
            f"unsupported version {version!r} (this netmatch reads {JSON_VERSION})",
            source,
            "version",
        )
    _check_unicode(document, "", source)
    name = document.get("name")
    if name is not None and not isinstance(name, str):
        raise _json_error(f"'name' must be a string, got {name!r}", source, "name")
    _check_text_length(name, "name", source, limits)
    if "members" not in document:
        raise _json_error("the document has no 'members'", source, "members")
    network = Network(name=name)
    lookalikes = LookalikeIds()
    for i, item in enumerate(_json_list(document, "members", source)):
        where = f"members[{i}]"
        if long_texts:
            _check_member_texts(item, where, source, limits)
        _check_member_types(item, where, source)
        if isinstance(item, dict):
            for field in _LIST_FIELDS:
                value = item.get(field)
                if isinstance(value, list) and len(value) > limits.max_items:
                    raise _json_error(
                        f"{len(value)} {field}, more than the limit of {limits.max_items}",
                        source,
                        f"{where}.{field}",
                    )
        try:
            member = Member.from_dict(item)
        except InvalidInputError as err:
            field = f"{where}.{err.field}" if err.field else where
            raise _json_error(err.message, source, field) from None
        if member.id in network:
            raise _json_error(f"duplicate member id {member.id!r}", source, f"{where}.id")
        lookalike = lookalikes.check(member.id, f"{where}.id")
        if lookalike is not None:
            message = f"{source}, field '{where}.id': {lookalike}"
            warnings.warn(message, NetmatchWarning, stacklevel=4)
        network.add_member(member)
    for i, item in enumerate(_json_list(document, "acquaintances", source)):
        where = f"acquaintances[{i}]"
        a, b = _json_pair(item, where, source)
        with _json_context(where, source):
            network.add_acquaintance(a, b)
    for i, item in enumerate(_json_list(document, "meetings", source)):
        where = f"meetings[{i}]"
        if not isinstance(item, dict) or set(item) - {"a", "b", "event", "when"}:
            raise _json_error(
                f"a meeting must be an object with a, b, event and when, got {item!r}",
                source,
                where,
            )
        a, b = _json_pair([item.get("a"), item.get("b")], where, source)
        event, when = item.get("event"), item.get("when")
        if not isinstance(event, str) or not (when is None or isinstance(when, str)):
            raise _json_error(
                f"a meeting's event must be a string and when a string or null, got {item!r}",
                source,
                where,
            )
        _check_text_length(event, f"{where}.event", source, limits)
        _check_text_length(when, f"{where}.when", source, limits)
        with _json_context(where, source):
            network.record_meeting(a, b, event=event, when=when)
    for i, item in enumerate(_json_list(document, "declines", source)):
        where = f"declines[{i}]"
        a, b = _json_pair(item, where, source)
        with _json_context(where, source):
            network.decline(a, b)
    return network


_JSON_PATH = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")


def _json_line(text: str, path: str) -> int | None:
    """The line where the value at a JSON path (``members[3].location``) starts.

    Only called to report an error: re-parses with the pure-Python scanner, noting
    where each array and object starts, then follows the path as far as it goes.
    """
    positions: dict[int, int] = {}
    decoder: Any = json.JSONDecoder()  # its parse_* hooks are not in the stubs
    parse_object, parse_array = decoder.parse_object, decoder.parse_array

    def on_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        value, end = parse_object(s_and_end, *args)
        positions[id(value)] = s_and_end[1] - 1
        return value, end

    def on_array(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        value, end = parse_array(s_and_end, *args)
        positions[id(value)] = s_and_end[1] - 1
        return value, end

    decoder.parse_object = on_object
    decoder.parse_array = on_array
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        node: Any = decoder.decode(text)
    except (ValueError, RecursionError):
        return None
    found = positions.get(id(node))
    for index, key in _JSON_PATH.findall(path):
        try:
            node = node[int(index)] if index else node[key]
        except (KeyError, IndexError, TypeError):
            break
        found = positions.get(id(node), found)
    return None if found is None else text.count("\n", 0, found) + 1


def _duplicate_key_line(text: str) -> int | None:
    """The line where the (innermost) object with a repeated key starts."""
    decoder: Any = json.JSONDecoder(object_pairs_hook=_no_duplicate_keys)
    parse_object = decoder.parse_object

    def on_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Any, int]:
        try:
            return parse_object(s_and_end, *args)  # type: ignore[no-any-return]
        except _DuplicateKeyError as err:
            if err.offset is None:
                err.offset = s_and_end[1] - 1
            raise

    decoder.parse_object = on_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        decoder.decode(text)
    except _DuplicateKeyError as err:
        return None if err.offset is None else text.count("\n", 0, err.offset) + 1
    except (ValueError, RecursionError):
        return None
    return None
