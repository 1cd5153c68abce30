"""The current resource of a dataset on a udata portal (data.gouv.fr API v1).

`GET {dataset}` answers the dataset with its `resources`: each has `id`, `title`, `url`,
`format`, `last_modified` (ISO 8601), `filesize` and, for files the portal stores itself,
`checksum: {type: sha1|sha256|md5, value}`. The chosen resource is the newest (by
`last_modified`, then by the date in its title) among those whose title matches the source's
regular expression: France compétences publishes one dated export a day in the same dataset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from ..errors import FetchError
from .config import Source
from .download import Http

_DATE = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Resource:
    """One resource of a dataset, as the portal describes it."""

    url: str
    title: str
    id: str = ""
    format: str = ""
    last_modified: str = ""
    filesize: int | None = None
    checksum_type: str = ""
    checksum: str = ""

    @property
    def validator(self) -> str:
        """What identifies this version of the file: its checksum, else its date."""
        return self.checksum or self.last_modified or self.url


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _title_date(title: str) -> str:
    m = _DATE.search(title)
    return "-".join(m.groups()) if m else ""


def _resource(raw: dict) -> Resource | None:
    url, title = raw.get("url") or raw.get("latest"), raw.get("title")
    if not isinstance(url, str) or not url or not isinstance(title, str):
        return None
    checksum = raw.get("checksum")
    if not isinstance(checksum, dict):
        checksum = {}
    size = raw.get("filesize")
    return Resource(
        url=url,
        title=title,
        id=str(raw.get("id") or ""),
        format=str(raw.get("format") or ""),
        last_modified=str(raw.get("last_modified") or raw.get("created_at") or ""),
        filesize=size if isinstance(size, int) and size > 0 else None,
        checksum_type=str(checksum.get("type") or "").lower(),
        checksum=str(checksum.get("value") or "").lower(),
    )


def newest(source: Source, answer: object) -> Resource:
    """The newest resource of the dataset answer that the source asks for."""
    raw = answer.get("resources") if isinstance(answer, dict) else None
    if not isinstance(raw, list):
        raise FetchError(
            "réponse inattendue du portail : pas de liste « resources » (l'API a-t-elle changé ?)",
            url=source.dataset,
        )
    pattern = re.compile(source.resource)
    resources = [r for r in (_resource(x) for x in raw if isinstance(x, dict)) if r is not None]
    chosen = [
        r
        for r in resources
        if pattern.search(r.title) and (not source.format or r.format.lower() == source.format.lower())
    ]
    if not chosen:
        seen = ", ".join(sorted(r.title for r in resources)[:8]) or "aucune"
        raise FetchError(
            f"aucune ressource du jeu de données ne correspond à « {source.resource} »"
            + (f" au format {source.format}" if source.format else "")
            + f" ({len(resources)} ressources : {seen})",
            url=source.dataset,
        )
    return max(chosen, key=lambda r: (_when(r.last_modified) or _EPOCH, _title_date(r.title), r.title))


def resolve(http: Http, source: Source) -> Resource:
    """Ask the portal for the dataset and choose the source's current resource."""
    return newest(source, http.get_json(source.dataset))
