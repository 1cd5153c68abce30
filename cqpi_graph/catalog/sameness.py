"""When two identifiers are one certification: the correspondence rule (docs/MODEL.md).

A crosswalk row (the apprenticeship kit: a BCN diploma code and an RNCP fiche) is a
correspondence of identifiers, directed and never transitive. Two codes are shown as one
certification only when

1. the row is one-to-one both ways (the BCN code has no other fiche, the fiche no other BCN code),
2. their titles agree (`titles_agree`), and
3. their levels agree (both known and equal).

Anything else stays two certifications with the correspondence shown. The rule is applied by
`derive_sameness` after every build or import; its decisions are the `cq:sameCertification`
triples of the graph https://w3id.org/cqpi/graph/catalog, and `sameness_report` says why each
row was or was not merged.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .labels import fold

RULE = "cqpi-graph/correspondance-univoque+intitule+niveau/v1"
# Words that name the kind of diploma or the registry's own qualifiers, not the speciality.
GENERIC = frozenset(
    """
a au aux avec d de des du en et l la le les ou par pour sur un une
cap bep bac pro professionnel professionnelle bp bts btsa mc mention complementaire brevet
certificat aptitude technicien superieur licence lic lmd master mst dut deust diplome diplomes
titre grade niveau iv v iii ii i fiche nationale specialite option options parcours
etat universitaire ingenieur programme ecole
""".split()  # noqa: SIM905 - a word list reads better as text
)
_PARENS = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"[a-z0-9]+")
MIN_SHARED = 0.5  # share of the shorter title's words found in the other
MIN_COMPACT = 0.85  # or: similarity of the two titles written without spaces


def title_words(title: str) -> set[str]:
    """The speciality words of a title: folded, without parentheses, kind words or short words."""
    text = fold(_PARENS.sub(" ", title)).replace("'", " ")
    words = {w for w in _WORD.findall(text) if w not in GENERIC and len(w) > 1}
    return {_stem(w) for w in words}


def _stem(word: str) -> str:
    # A light French stem: plural and feminine endings (agroéquipement/agroéquipements).
    for end in ("aux", "es", "s", "e", "x"):
        if len(word) > 4 and word.endswith(end):
            return word[: -len(end)]
    return word


def titles_agree(a: str, b: str) -> bool:
    """Whether two titles name the same speciality (a BCN label and an RNCP title, say)."""
    wa, wb = title_words(a), title_words(b)
    if not wa or not wb:
        return False
    if len(wa & wb) / min(len(wa), len(wb)) >= MIN_SHARED:
        return True
    ca, cb = "".join(sorted(wa)), "".join(sorted(wb))
    return difflib.SequenceMatcher(None, ca, cb).ratio() >= MIN_COMPACT


@dataclass(frozen=True)
class Correspondence:
    """One crosswalk row: `source` (a BCN diploma) corresponds to `target` (an RNCP fiche)."""

    statement: str
    source: str
    target: str


@dataclass(frozen=True)
class SamenessDecision:
    row: Correspondence
    same: bool
    reason: str  # why not (French), "" when the two codes are one certification


def decide(
    rows: Iterable[Correspondence],
    titles: Mapping[str, list[str]],
    levels: Mapping[str, set[int]],
) -> list[SamenessDecision]:
    """Apply the rule to every row; titles and levels by IRI (a resource may have several)."""
    rows = list(rows)
    targets: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        targets[r.source].add(r.target)
        sources[r.target].add(r.source)
    out = []
    for r in rows:
        out.append(SamenessDecision(r, *_judge(r, targets, sources, titles, levels)))
    return out


def _judge(
    r: Correspondence,
    targets: Mapping[str, set[str]],
    sources: Mapping[str, set[str]],
    titles: Mapping[str, list[str]],
    levels: Mapping[str, set[int]],
) -> tuple[bool, str]:
    if len(targets[r.source]) > 1:
        return False, f"le code correspond à {len(targets[r.source])} fiches"
    if len(sources[r.target]) > 1:
        return False, f"la fiche correspond à {len(sources[r.target])} codes"
    ta, tb = titles.get(r.source, []), titles.get(r.target, [])
    if not ta or not tb:
        return False, "intitulé inconnu d'un côté"
    if not any(titles_agree(x, y) for x in ta for y in tb):
        return False, "intitulés différents"
    la, lb = levels.get(r.source, set()), levels.get(r.target, set())
    if len(la) != 1 or len(lb) != 1:
        return False, "niveau inconnu ou multiple d'un côté"
    if la != lb:
        return False, "niveaux différents"
    return True, ""
