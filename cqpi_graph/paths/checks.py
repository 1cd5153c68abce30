"""Whole-graph checks of identities, history and recognitions (`cqpi validate --store`).

What the SHACL shapes cannot say well: they need the catalog's rule or a walk over statements.
Each finding names its rule (an IRI under https://w3id.org/cqpi/shapes#, listed in
shapes/README.md), the resource, the offending value, and a message in French and English.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..catalog import Catalog
from ..catalog.derive import correspondences
from ..catalog.index import _label_candidates, member_levels
from ..catalog.sameness import titles_agree
from ..namespaces import CQ, Graphs
from ..store import Store
from .graph import load_graph
from .statements import MIRROR, SUCCESSION_CLASS, Statement

SHAPES = "https://w3id.org/cqpi/shapes#"


@dataclass(frozen=True)
class CheckRule:
    name: str
    severity: str  # Violation | Warning
    label_fr: str
    label_en: str
    message_fr: str
    message_en: str

    @property
    def iri(self) -> str:
        return SHAPES + self.name


@dataclass(frozen=True)
class Finding:
    rule: CheckRule
    focus: str
    value: str  # a code, an IRI or a file name, as people read it


CROSSWALK = CheckRule(
    "CrosswalkCodeSeveralFiches",
    "Warning",
    "Code de la table de passage relié à plusieurs fiches",
    "Crosswalk code linked to several fiches",
    "ce code de la table de passage correspond à plusieurs fiches RNCP : ce sont des certifications "
    "distinctes, aucune n'est confondue avec lui.",
    "this crosswalk code corresponds to several RNCP fiches: they are distinct certifications, none is "
    "merged with it.",
)
SAMENESS = CheckRule(
    "SamenessDisagreement",
    "Violation",
    "Même certification déclarée malgré des intitulés ou niveaux différents",
    "Same certification declared although titles or levels differ",
    "déclarée comme la même certification qu'une autre dont l'intitulé ou le niveau diffère (en valeur) : "
    "vérifiez la déclaration.",
    "declared the same certification as another whose title or level differs (the value): check the "
    "statement.",
)
DEAD_END = CheckRule(
    "SuccessionEndsInactive",
    "Warning",
    "Chaîne de versions terminée par une fiche inactive",
    "Version chain ending in an inactive fiche",
    "nouvelle version d'une certification, elle-même inactive et sans successeur connu : la chaîne des "
    "versions s'arrête sur une certification qu'on ne peut plus obtenir.",
    "new version of a certification, itself inactive with no known successor: the version chain ends in a "
    "certification that can no longer be obtained.",
)
UNUSABLE = CheckRule(
    "RecognitionWithoutDirectionOrSource",
    "Violation",
    "Reconnaissance sans sens ou sans source",
    "Recognition without direction or source",
    "énoncé de reconnaissance sans sens (unidirectionnel ou bidirectionnel) ou sans source : il n'entre "
    "dans aucun chemin. La valeur indiquée est le fichier qui le déclare.",
    "recognition statement without a direction (one-way or both ways) or without a source: it enters no "
    "path. The value given is the file that declares it.",
)
BARE = CheckRule(
    "RecognitionLinkWithoutStatement",
    "Warning",
    "Lien de reconnaissance sans énoncé",
    "Recognition link without a statement",
    "lien de reconnaissance direct sans énoncé qui donne son sens, son périmètre et sa source : il "
    "n'entre dans aucun chemin.",
    "direct recognition link without a statement giving its direction, scope and source: it enters no path.",
)
RULES = (CROSSWALK, SAMENESS, DEAD_END, UNUSABLE, BARE)


def store_findings(store: Store) -> list[Finding]:
    rg = load_graph(store)
    return [
        *_crosswalk(store),
        *_sameness(store, rg.catalog),
        *_dead_ends(rg.catalog, rg.statements.successions),
        *_unusable(store, rg.statements.recognitions),
        *_bare_links(store, rg.statements.recognitions),
    ]


def _crosswalk(store: Store) -> list[Finding]:
    targets: dict[str, set[str]] = defaultdict(set)
    for c in correspondences(store):
        targets[c.source].add(c.target)
    return [
        Finding(CROSSWALK, code, ", ".join(sorted(t.rsplit("/", 1)[-1] for t in fiches)))
        for code, fiches in sorted(targets.items())
        if len(fiches) > 1
    ]


def _sameness(store: Store, cat: Catalog) -> list[Finding]:
    """Declared sameness (curated, user data) the correspondence rule would not accept."""
    pairs = set()
    for q in store.quads_for_pattern(None, CQ + "sameCertification", None, None):
        if q.graph not in (Graphs.INFERRED, Graphs.CATALOG) and q.subject != q.object.value:
            pairs.add(tuple(sorted((q.subject, q.object.value))))
    if not pairs:
        return []
    ends = {x for p in pairs for x in p}
    labels = _label_candidates(store, ends)
    levels = member_levels(store, ends)
    out = []
    for a, b in sorted(pairs):
        ta, tb = [c.value for c in labels.get(a, [])], [c.value for c in labels.get(b, [])]
        la, lb = levels.get(a, set()), levels.get(b, set())
        titles_ok = not ta or not tb or any(titles_agree(x, y) for x in ta for y in tb)
        levels_ok = not la or not lb or la == lb
        if not (titles_ok and levels_ok):
            out.append(Finding(SAMENESS, a, b))
    return out


def _dead_ends(cat: Catalog, successions: list[Statement]) -> list[Finding]:
    has_next = {cat.group_of(s.frm) for s in successions}
    ends = {cat.group_of(s.to or "") for s in successions} - has_next - {None}
    out = []
    for node in sorted(e for e in ends if e):
        status = cat.certification(node).status
        if status.active is False:
            out.append(Finding(DEAD_END, node, status.end_date or ""))
    return out


def _curated_files(store: Store) -> dict[str, str]:
    """Subject -> the curated or user file that describes it (recorded by the build)."""
    names = {
        q.subject: q.object.value for q in store.quads_for_pattern(None, CQ + "fileName", None, Graphs.META)
    }
    out: dict[str, str] = {}
    for q in store.quads_for_pattern(None, CQ + "describes", None, Graphs.META):
        if q.subject in names:
            out.setdefault(q.object.value, names[q.subject])
    return out


def _unusable(store: Store, recognitions: list[Statement]) -> list[Finding]:
    bad = [st for st in recognitions if not st.usable]
    if not bad:
        return []
    files = _curated_files(store)
    return [Finding(UNUSABLE, st.iri, files.get(st.iri, st.graph)) for st in bad]


def _bare_links(store: Store, recognitions: list[Statement]) -> list[Finding]:
    stated = {(st.frm, MIRROR[st.cls], st.to) for st in recognitions}
    out = []
    for cls, prop in MIRROR.items():
        if cls == SUCCESSION_CLASS:
            continue
        for q in store.quads_for_pattern(None, prop, None, None):
            key = (q.subject, prop, q.object.value)
            if q.graph != Graphs.INFERRED and key not in stated:
                stated.add(key)
                out.append(Finding(BARE, q.subject, q.object.value))
    return out
