"""Exception types of cqpi-graph: each says what went wrong, where, and what was expected."""

from __future__ import annotations

import errno
import re

from .messages import Message, msg, render


def _restore(cls: type[BaseException], args: tuple, attrs: dict) -> BaseException:
    exc = cls.__new__(cls)
    exc.args = args
    vars(exc).update(attrs)
    return exc


class CqpiError(Exception):
    """Base class of every error cqpi-graph raises on purpose.

    Its text may be a `Message`: ``str()`` is the French (the command line's), ``render(lang)``
    the text in the language of the page that shows it."""

    exit_code = 1
    l10n: Message | None = None  # the text as a message key, when it has one

    def __init__(self, message: object = "", *args: object) -> None:
        if isinstance(message, Message):
            self.l10n = message
        super().__init__(str(message), *args)

    def as_message(self) -> Message | str:
        """The text as a message key and its parameters (plain French text when it has none)."""
        return self.l10n if self.l10n is not None else str(self)

    def render(self, lang: str = "fr") -> str:
        return render(self.as_message(), lang)

    def __reduce__(self) -> tuple:
        # Crosses a process boundary (the sandbox's child) whole: keyword fields and message keys.
        return (_restore, (type(self), self.args, dict(vars(self))))


class InputError(CqpiError):
    """A file could not be read: names the file, the line/row/cell and the field."""

    exit_code = 2

    def __init__(
        self,
        message: str | Message,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        expected: str | Message | None = None,
    ) -> None:
        self.text = message  # str, or a Message for a page in another language
        self.message = str(message)
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.expected_text = expected
        self.expected = None if expected is None else str(expected)
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.render("fr")

    def as_message(self) -> Message | str:
        where: list[object] = [str(self.file)] if self.file else []
        if self.line is not None:
            where.append(msg("ligne {line}", line=self.line))
        if self.column is not None:
            where.append(msg("colonne {column}", column=self.column))
        if self.field:
            where.append(msg("champ « {field} »", field=self.field))
        text: Message | str = self.text
        if where:
            place = where[0]
            for part in where[1:]:
                place = msg("{before}, {after}", before=place, after=part)
            text = msg("{where} : {what}", where=place, what=text)
        if self.expected_text:
            text = msg("{text} (attendu : {expected})", text=text, expected=self.expected_text)
        return text


class QuerySyntaxError(CqpiError):
    """A SPARQL query or update does not parse; the message carries the position."""

    exit_code = 2


class StoreError(CqpiError):
    """The store cannot be opened, written or reached."""


class RemoteStoreError(StoreError):
    """A SPARQL server could not be reached or answered with an error.

    Carries the URL, the HTTP status (None when the server did not answer) and the server's
    own message, so that a caller can tell a refused write (403) from an overloaded server (503).
    """

    def __init__(
        self, message: str, *, url: str = "", status: int | None = None, server_message: str = ""
    ) -> None:
        self.url = url
        self.status = status
        self.server_message = server_message
        super().__init__(message)


class RemoteQuerySyntaxError(QuerySyntaxError):
    """A SPARQL server rejected a query or update as malformed (HTTP 400), with its message."""

    def __init__(
        self, message: str | Message, *, url: str = "", status: int = 400, server_message: str = ""
    ) -> None:
        self.url = url
        self.status = status
        self.server_message = server_message
        super().__init__(message)


class StoreLockedError(StoreError):
    """Another process is writing the same store."""


class StoreNotBuiltError(StoreError):
    """No store exists yet at that location: run `cqpi build` first."""


class NotFoundError(CqpiError):
    """A code or IRI names no resource of the graph; carries near matches."""

    def __init__(
        self, message: str, suggestions: list[str] | None = None, *, query: str = "", ambiguous: bool = False
    ) -> None:
        self.suggestions = suggestions or []
        self.query = query  # the text as typed, when a person's input named nothing (or several)
        self.ambiguous = ambiguous  # it named several: the suggestions are the candidates
        text = message
        if self.suggestions:
            text += " — proches : " + ", ".join(self.suggestions)
        super().__init__(text)


class FetchError(CqpiError):
    """An official export could not be downloaded or was refused (network, HTTP, checksum, content).

    Carries the URL and the HTTP status (None when the server did not answer); the previous
    files of the source are always kept.
    """

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(message)


# ---------------------------------------------------------------- failures that are not the input's

EXIT_SYSTEM = 3  # the command could not finish for a reason outside its input (disk, permissions)

_PATH_IN_MESSAGE = re.compile(r"(/[^\s:'\"]+)")


def describe_os_error(exc: OSError) -> str:
    """One line for a system error, naming the path: a full disk, a permission, a read-only
    file system. Oxigraph's (RocksDB's) messages carry the path in their text, not in
    `filename`."""
    text = " ".join(str(exc).split())
    path = exc.filename or next(iter(_PATH_IN_MESSAGE.findall(text)), None)
    where = f" : {path}" if path else ""
    if exc.errno == errno.ENOSPC or "No space left" in text:
        return f"plus de place sur le disque{where} (no space left on device)"
    if exc.errno in (errno.EACCES, errno.EPERM) or "Permission denied" in text:
        return f"permission refusée{where} (permission denied)"
    if exc.errno == errno.EROFS or "Read-only file system" in text:
        return f"système de fichiers en lecture seule{where} (read-only file system)"
    if exc.errno == errno.EDQUOT or "quota" in text.lower():
        return f"quota disque dépassé{where} (disk quota exceeded)"
    return f"{exc.strerror or text}{where}" if exc.strerror else text
