"""Exceptions and warnings raised by netmatch.

Every exception derives from :class:`NetmatchError` and also from the builtin it
refines, so callers can catch either (``except ValueError`` keeps working).
"""

from __future__ import annotations

__all__ = [
    "InfeasibleError",
    "InvalidInputError",
    "NetmatchError",
    "NetmatchWarning",
    "RepeatsRemainWarning",
    "UnknownMemberError",
]


class NetmatchError(Exception):
    """Base class of every error raised by netmatch."""


class InvalidInputError(NetmatchError, ValueError):
    """Input that netmatch cannot accept: a bad file, value or argument.

    Parameters
    ----------
    message : str
        What is wrong, naming the offending value.
    source : str, optional
        The file (or other source) the value came from.
    line : int, optional
        The line in ``source``, counted from 1 as editors do.
    field : str, optional
        The column, attribute or argument at fault.

    Examples
    --------
    >>> err = nm.InvalidInputError("latitude 'abc' is not a number",
    ...                            source="members.csv", line=7, field="lat")
    >>> str(err)
    "members.csv, line 7, field 'lat': latitude 'abc' is not a number"
    >>> isinstance(err, ValueError)
    True
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.source is not None:
            where.append(str(self.source))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return f"{', '.join(where)}: {self.message}" if where else self.message

    def __str__(self) -> str:
        return self._format()

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_invalid_input,
            (type(self), self.message, self.source, self.line, self.field),
        )


def _rebuild_invalid_input(
    cls: type[InvalidInputError],
    message: str,
    source: str | None,
    line: int | None,
    field: str | None,
) -> InvalidInputError:
    return cls(message, source=source, line=line, field=field)


class UnknownMemberError(NetmatchError, KeyError):
    """A member id that the network does not contain.

    Examples
    --------
    >>> err = nm.UnknownMemberError("m9")
    >>> err.member_id
    'm9'
    >>> str(err)
    "unknown member 'm9'"
    """

    def __init__(self, member_id: object, message: str | None = None) -> None:
        self.member_id = member_id
        self.message = message or f"unknown member {member_id!r}"
        super().__init__(self.message)

    def __str__(self) -> str:
        # KeyError would print the repr of its argument; show the sentence instead.
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.member_id, self.message))


class InfeasibleError(NetmatchError):
    """Hard constraints that no answer can satisfy (the message says which)."""


class NetmatchWarning(UserWarning):
    """Base class of the warnings netmatch emits."""


class NoIntroductionWarning(NetmatchWarning):
    """An introduction query found nothing; the message says why and what to change."""


class RepeatsRemainWarning(NetmatchWarning):
    """A rotation plan could not avoid every repeated meeting within its time limit."""
