"""The computed side of `cqpi socle --computed`: competence texts of several certifications matched
by the text model (textsim/pairs.py), as classes the socle can count.

A certification's text units are its capacities and the labels of its blocs that list no
competence (the national export's blocs: their label is the competence statement). Two units of
two different certifications are joined when their match score (direct cosine, or through a
ROME / ESCO competence both align with) reaches the threshold, each unit matched at most once
per other certification (best pairs first).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..store import Store
from .alignment import Alignment
from .model import METHOD, load_model
from .pairs import match_units, one_to_one


@dataclass
class TextClasses:
    units: dict[str, dict[str, str]] = field(default_factory=dict)  # node -> {unit IRI: via ""}
    labels: dict[str, str] = field(default_factory=dict)  # unit IRI -> text
    pairs: list[Alignment] = field(default_factory=list)  # matched units, score >= threshold


def text_classes(store: Store, nodes: list[tuple[str, list[str]]], threshold: float) -> TextClasses:
    """nodes: (node IRI, member IRIs). The units of each and the matches between them."""
    model = load_model(store)
    out = TextClasses()
    per_node: dict[str, list[int]] = {}
    for iri, members in nodes:
        c = next((model.cert_index[m] for m in [iri, *members] if m in model.cert_index), None)
        units = (
            []
            if c is None
            else [
                u for u in model.corpus.certs[c].units if model.corpus.units[u].kind in ("bloc", "competence")
            ]
        )
        per_node[iri] = units
        out.units[iri] = {model.corpus.units[u].iri: "" for u in units}
        out.labels.update({model.corpus.units[u].iri: model.corpus.units[u].text for u in units})
    keys = list(per_node)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            # 1:1 (best pairs first): a generic bloc label must not chain many others together
            for m in one_to_one(match_units(model, per_node[a], per_node[b], threshold=threshold)):
                method = (
                    METHOD if m.direct >= m.via_score else f"{METHOD} ; via {m.via.text if m.via else ''}"
                )
                out.pairs.append(Alignment(m.a.iri, m.b.iri, m.score, method, m.a.text, m.b.text))
    return out
