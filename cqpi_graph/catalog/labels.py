"""How a resource is named: the one rule that picks a label per language, and how codes are folded.

Every page, command and export names a resource through `choose_label`; nothing else decides
which of several labels is shown.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ..namespaces import CQ, DCT, FOAF, RDFS, SCHEMA, SKOS

# Label properties, preferred first: the curated wording (skos:prefLabel) before a registry title;
# last, the wording an RNCP export gives a ROME code the imported ROME does not name (26 domain or
# withdrawn codes such as A1500 « Soins aux animaux »), rather than no name at all.
LABEL_PROPERTIES = (
    SKOS + "prefLabel",
    RDFS + "label",
    DCT + "title",
    SCHEMA + "name",
    FOAF + "name",
    CQ + "rncpLabel",
)
# Official codes, preferred first; a sigle (cq:abbreviation) names only what has no official code.
CODE_PROPERTIES = (CQ + "rncpCode", CQ + "bcnCode", CQ + "idcc", CQ + "siret", CQ + "code", SKOS + "notation")
ABBREVIATION = CQ + "abbreviation"


@dataclass(frozen=True, slots=True)
class LabelCandidate:
    """One label a resource carries, with how much it is preferred apart from its language."""

    value: str
    lang: str | None = None
    rank: int = 0  # lower first: property order, then the member's order within a certification


# Every combining mark (what NFKD splits an accent into), dropped by str.translate in C.
_COMBINING = {cp: None for cp in range(0x30000) if unicodedata.combining(chr(cp))}


def fold(text: str) -> str:
    """Lower case without accents and with single spaces: how codes and labels are compared."""
    nfkd = unicodedata.normalize("NFKD", text.casefold().replace("\u2019", "'"))
    return " ".join(nfkd.translate(_COMBINING).split())


def _language_rank(lang: str | None, wanted: str) -> int:
    """0 the wanted language, then French, then untagged, then English, then the rest.

    Our sources are French registries: an untagged title is presumed French, so on a French page
    it comes before an English one, and on an English page after a tagged French one."""
    base = (lang or "").split("-")[0].lower()
    if base == wanted:
        return 0
    order = ("fr", "", "en")
    return 1 + order.index(base) if base in order else 1 + len(order)


def choose_label(candidates: Iterable[LabelCandidate], lang: str = "fr") -> str:
    """The label to show in `lang`: that language, then French, an untagged label (presumed
    French), English, then any other language; within a language the lowest rank, then the shortest text
    (registries repeat a title with qualifiers), then alphabetical order. "" when there is none."""
    best: tuple[int, int, int, str] | None = None
    for c in candidates:
        text = " ".join(c.value.split())
        if not text:
            continue
        key = (_language_rank(c.lang, lang), c.rank, len(text), text)
        if best is None or key < best:
            best = key
    return best[3] if best else ""


def property_rank(prop: str) -> int:
    """Rank of a label property in LABEL_PROPERTIES (unknown properties last)."""
    try:
        return LABEL_PROPERTIES.index(prop)
    except ValueError:
        return len(LABEL_PROPERTIES)


def local_name(iri: str) -> str:
    """The last segment of an IRI (after # or /)."""
    tail = iri.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
    return tail or iri
