"""Result CSVs for people: records, rotation plans, meeting schedules and introductions."""

from __future__ import annotations

import json
import json.scanner
import numbers
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..errors import InvalidInputError
from ..network import Network
from ._csv import PathLike, _write_rows, escape_cell, join_items

#: CSV dialects of the result writers: delimiter and decimal mark. "excel-fr" opens in
#: columns in a French spreadsheet (";" and a decimal comma); every file has a BOM.
DIALECTS: dict[str, tuple[str, str]] = {
    "csv": (",", "."),
    "excel": (",", "."),
    "excel-fr": (";", ","),
}
_YES_NO = {"fr": ("oui", "non"), "en": ("true", "false")}

#: Column headers of the plan and introductions files for people, by language.
HEADERS: dict[str, dict[str, str]] = {
    "fr": {
        "round": "Tour", "table": "Table", "seat": "Place", "member_id": "Identifiant",
        "name": "Nom", "organisation": "Organisation", "sector": "Secteur",
        "region": "Région", "host": "Hôte",
        "a": "Membre", "a_name": "Nom du membre", "b": "À présenter à",
        "b_name": "Nom de la personne à présenter", "score": "Score",
        "strength": "Force", "match": "Correspondance", "mutual": "Réciproque", "broker": "Par",
        "broker_name": "Nom de l'intermédiaire", "need": "Besoin", "skill": "Compétence",
        "explanation": "Pourquoi", "reasons": "Raisons",
        "slot": "Créneau", "start": "Début", "end": "Fin", "table_label": "Lieu",
        "with_id": "Identifiant de l'interlocuteur", "with_name": "Interlocuteur",
        "priority": "Priorité", "why": "Pourquoi",
    },
    "en": {},
}  # fmt: skip


def _check_dialect(dialect: str | None, lang: str) -> tuple[str | None, str]:
    if dialect is not None and dialect not in DIALECTS:
        raise InvalidInputError(
            f"dialect must be one of {', '.join(map(repr, DIALECTS))}, got {dialect!r}",
            field="dialect",
        )
    if lang not in _YES_NO:
        raise InvalidInputError(f"lang must be 'fr' or 'en', got {lang!r}", field="lang")
    return dialect, lang


def _record_cell(value: object, decimal: str = ".", lang: str = "en") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        yes, no = _YES_NO[lang]
        return yes if value else no
    if isinstance(value, numbers.Real):  # int, float and numpy's numbers
        text = str(value)  # a number is never a formula; keep it a number
        return text.replace(".", decimal) if decimal != "." else text
    if isinstance(value, str):
        return escape_cell(value)
    if isinstance(value, Mapping):
        return escape_cell(json.dumps(dict(value), ensure_ascii=False, default=str))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return escape_cell(join_items(str(v) for v in items))
    return escape_cell(str(value))


def write_records_csv(
    records: Iterable[Mapping[str, Any]],
    path: PathLike,
    *,
    columns: Sequence[str] | None = None,
    delimiter: str | None = None,
    bom: bool = True,
    dialect: str | None = None,
    lang: str = "en",
    headers: Mapping[str, str] | None = None,
) -> None:
    """Write dict records as a spreadsheet-safe CSV, one row per record.

    Columns are ``columns`` or every key in order of first appearance. Text is
    escaped against formulas (:func:`escape_cell`); numbers stay numbers; lists are
    joined with ``|``; None is an empty cell. The file is replaced atomically.

    Parameters
    ----------
    records : iterable of mapping
    path : str or path-like
    columns : sequence of str, optional
        Column order (and selection); every key in order of appearance when None.
    delimiter : str, optional
        ``","`` unless the dialect says otherwise.
    bom : bool, default True
    dialect : {"csv", "excel", "excel-fr"}, optional
        ``"excel-fr"``: ``;`` between cells and a decimal comma, so that the file
        opens in columns in a French spreadsheet.
    lang : {"en", "fr"}, default "en"
        Booleans as ``true``/``false`` or ``oui``/``non``.
    headers : mapping, optional
        Header to print for a column (the column keeps its key otherwise).

    Raises
    ------
    InvalidInputError
        When a record is not a mapping, or the dialect or language is unknown.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> nm.write_records_csv([{"member": "m1", "note": "+33 6 12"}, {"member": "m2"}], path)
    >>> print(path.read_text(encoding="utf-8-sig"))
    member,note
    m1,'+33 6 12
    m2,
    >>> nm.write_records_csv([{"score": 0.5, "host": True}], path, dialect="excel-fr", lang="fr")
    >>> print(path.read_text(encoding="utf-8-sig"))
    score;host
    0,5;oui
    """
    dialect, lang = _check_dialect(dialect, lang)
    decimal = "."
    if dialect is not None:
        dialect_delimiter, decimal = DIALECTS[dialect]
        delimiter = dialect_delimiter if delimiter is None else delimiter
    delimiter = "," if delimiter is None else delimiter
    rows = list(records)
    for i, record in enumerate(rows):
        if not isinstance(record, Mapping):
            raise InvalidInputError(
                f"record {i} must be a mapping, got {type(record).__name__}", field="records"
            )
    if columns is None:
        seen: dict[str, None] = {}
        for record in rows:
            seen.update(dict.fromkeys(str(k) for k in record))
        columns = list(seen)
    else:
        columns = [str(c) for c in columns]
    cols = list(columns)
    names = dict(headers or {})

    def lines() -> Iterator[list[str]]:
        yield [escape_cell(names.get(c, c)) for c in cols]
        for record in rows:
            by_name = {str(k): v for k, v in record.items()}
            yield [_record_cell(by_name.get(c), decimal, lang) for c in cols]

    _write_rows(path, lines(), delimiter=delimiter, bom=bom)


def write_plan_csv(
    plan: Any,
    path: PathLike,
    *,
    network: Network | None = None,
    delimiter: str | None = None,
    bom: bool = True,
    dialect: str | None = None,
    lang: str = "en",
) -> None:
    """Write a rotation plan as CSV: one row per person per round, numbered from 1.

    The rows are ``plan.to_records(network=network, start=1)`` (round, table,
    member id, name, …), written by :func:`write_records_csv`.

    Parameters
    ----------
    plan : RotationPlan
    path : str or path-like
    network : Network, optional
        Where names, organisations and sectors are read (default: the plan's own).
    delimiter : str, optional
    bom : bool, default True
    dialect : {"csv", "excel", "excel-fr"}, optional
        ``"excel-fr"`` for a French spreadsheet (``;``, decimal comma).
    lang : {"en", "fr"}, default "en"
        Headers and booleans: ``round,table,…,host`` and ``true``/``false``, or
        ``Tour;Table;…;Hôte`` and ``oui``/``non``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> net = nm.datasets.load_demo()
    >>> plan = nm.plan_rotation(net.ids[:12], rounds=2, table_size=3, seed=1, time_limit=1)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.csv"
    >>> nm.write_plan_csv(plan, path, network=net)
    >>> lines = path.read_text(encoding="utf-8-sig").splitlines()
    >>> len(lines)  # a header, then 12 people x 2 rounds
    25
    >>> lines[0]
    'round,table,seat,member_id,name,organisation,sector,region,host'
    >>> lines[1].startswith("1,1,1,")
    True
    """
    records = plan.to_records(network=network, start=1)
    write_records_csv(
        records,
        path,
        delimiter=delimiter,
        bom=bom,
        dialect=dialect,
        lang=lang,
        headers=HEADERS.get(lang),
    )


def write_schedule_csv(
    schedule: Any,
    path: PathLike,
    *,
    delimiter: str | None = None,
    bom: bool = True,
    dialect: str | None = None,
    lang: str = "en",
) -> None:
    """Write a meeting schedule as CSV: one row per person per meeting, numbered from 1.

    The rows are ``schedule.to_records(lang=lang, start=1)`` (slot, start and end
    times, table, member, whom they meet, priority and why), written by
    :func:`write_records_csv`: each person's agenda, ready for a mail merge.

    Parameters
    ----------
    schedule : MeetingSchedule
    path : str or path-like
    delimiter : str, optional
    bom : bool, default True
    dialect : {"csv", "excel", "excel-fr"}, optional
        ``"excel-fr"`` for a French spreadsheet (``;``, decimal comma).
    lang : {"en", "fr"}, default "en"
        Headers and the ``why`` sentences: ``slot,start,end,table,…`` or
        ``Créneau;Début;Fin;Table;…``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> s = nm.schedule_meetings([("ana", "bo", 2)], slots=2, tables=1, start="10:00",
    ...                          duration=15)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "agendas.csv"
    >>> nm.io.write_schedule_csv(s, path, dialect="excel-fr", lang="fr")
    >>> header, *rows = path.read_text(encoding="utf-8-sig").splitlines()
    >>> header.split(";")[:5], header.split(";")[-2:]
    (['Créneau', 'Début', 'Fin', 'Table', 'Lieu'], ['Priorité', 'Pourquoi'])
    >>> rows
    ['1;10:00;10:15;1;table 1;ana;ana;bo;bo;2,0;', '1;10:00;10:15;1;table 1;bo;bo;ana;ana;2,0;']
    """
    dialect, lang = _check_dialect(dialect, lang)
    columns = ("slot", "start", "end", "table", "table_label", "member_id", "name",
               "with_id", "with_name", "priority", "why")  # fmt: skip
    write_records_csv(
        schedule.to_records(lang=lang, start=1),
        path,
        columns=columns,
        delimiter=delimiter,
        bom=bom,
        dialect=dialect,
        lang=lang,
        headers=HEADERS.get(lang),
    )


def _reason_text(reason: Any) -> str:
    if isinstance(reason, Mapping):
        need, skill = reason.get("need"), reason.get("skill")
        if need and skill:
            return f"{need} ← {skill}"
        parts = [str(v) for k, v in reason.items() if v not in (None, "") and k != "weight"]
        return " ".join(parts)
    return str(reason)


def _introduction_record(intro: Any, network: Network | None, lang: str) -> dict[str, Any]:
    data = dict(intro.to_dict())
    record: dict[str, Any] = {}
    if hasattr(intro, "to_record"):
        record.update(intro.to_record())  # flat: ids, names, score, main need and skill
        if "explanation" in record and hasattr(intro, "explain"):
            record["explanation"] = intro.explain(lang)
        if lang == "fr" and "strength" in record and hasattr(intro, "strength_label"):
            record["strength"] = intro.strength_label("fr")
    for key, value in data.items():
        if key == "reasons" and isinstance(value, (list, tuple)):
            record["reasons"] = " ; ".join(_reason_text(r) for r in value)
        else:
            record.setdefault(key, value)
    if network is not None:
        for key in ("a", "b", "broker"):
            member_id = record.get(key)
            if isinstance(member_id, str) and record.get(f"{key}_name") is None:
                record[f"{key}_name"] = (
                    network.member(member_id).name if member_id in network else None
                )
    return record


def write_introductions_csv(
    intros: Iterable[Any],
    path: PathLike,
    *,
    network: Network | None = None,
    lang: str = "fr",
    delimiter: str | None = None,
    bom: bool = True,
    dialect: str | None = None,
    headers: bool = False,
) -> None:
    """Write introductions as CSV: one row per introduction, for animators.

    Columns are those of ``Introduction.to_record()`` (``a``, ``a_name``, ``b``,
    ``b_name``, ``score``, ``mutual``, ``broker``, the main ``need`` and ``skill``,
    and an ``explanation`` in ``lang``), then ``broker_name`` and ``reasons``, every
    reason in one readable cell (``need ← skill ; …``). With ``network``, missing
    names are filled from it. Spreadsheet-safe (:func:`escape_cell`), atomic.

    Parameters
    ----------
    intros : iterable of Introduction
    path : str or path-like
    network : Network, optional
        Fills names the introductions lack.
    lang : {"fr", "en"}, default "fr"
        Language of the ``explanation`` column (and of the headers and booleans
        with ``headers=True``).
    delimiter : str, optional
    bom : bool, default True
    dialect : {"csv", "excel", "excel-fr"}, optional
        ``"excel-fr"`` for a French spreadsheet (``;``, decimal comma).
    headers : bool, default False
        Headers and booleans in ``lang`` (``Membre;Nom du membre;…``, ``oui``/``non``)
        rather than the record keys.

    Examples
    --------
    >>> import csv, pathlib, tempfile
    >>> net = nm.datasets.load_demo()
    >>> intros = nm.suggest_introductions(net, k=2, seed=0)[:5]
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "intros.csv"
    >>> nm.write_introductions_csv(intros, path, network=net, lang="en")
    >>> with open(path, encoding="utf-8-sig", newline="") as f:
    ...     rows = list(csv.DictReader(f))
    >>> len(rows), rows[0]["a"] == intros[0].a
    (5, True)
    """
    records = [_introduction_record(intro, network, lang) for intro in intros]
    write_records_csv(
        records,
        path,
        delimiter=delimiter,
        bom=bom,
        dialect=dialect,
        lang=lang if headers else "en",
        headers=HEADERS.get(lang) if headers else None,
    )
