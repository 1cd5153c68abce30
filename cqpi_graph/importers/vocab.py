"""Code lists read from the store (ontology/codelists.ttl): types and access routes."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from ..namespaces import CQ, SKOS, Graphs
from ..store.base import Store


def norm_label(text: str) -> str:
    """Case, accents, apostrophes and spaces do not matter when matching a label."""
    t = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(t.lower().split())


@dataclass
class CodeLists:
    types: dict[str, tuple[str, str]]  # notation (upper) -> (concept IRI, class IRI)
    routes: dict[str, str]  # normalised label -> concept IRI
    route_notations: dict[str, str] = field(default_factory=dict)  # skos:notation -> concept IRI

    @classmethod
    def load(cls, store: Store) -> CodeLists:
        types: dict[str, tuple[str, str]] = {}
        for r in store.select(
            f"""SELECT ?c ?n ?cls WHERE {{ GRAPH <{Graphs.CODELISTS}> {{
                ?c a <{CQ}TypeCertification> ; <{SKOS}notation> ?n ; <{CQ}class> ?cls }} }}"""
        ):
            types[r["n"].value.upper()] = (r["c"].value, r["cls"].value)
        routes: dict[str, str] = {}
        for r in store.select(
            f"""SELECT ?c ?l WHERE {{ GRAPH <{Graphs.CODELISTS}> {{
                ?c a <{CQ}VoieAcces> . {{ ?c <{SKOS}altLabel> ?l }} UNION {{ ?c <{SKOS}prefLabel> ?l }}
                FILTER(LANG(?l) = "fr") }} }}"""
        ):
            routes[norm_label(r["l"].value)] = r["c"].value
        notations = {
            r["n"].value: r["c"].value
            for r in store.select(
                f"""SELECT ?c ?n WHERE {{ GRAPH <{Graphs.CODELISTS}> {{
                    ?c a <{CQ}VoieAcces> ; <{SKOS}notation> ?n }} }}"""
            )
        }
        return cls(types, routes, notations)

    def type_for(self, abbreviation: str) -> tuple[str, str] | None:
        """The typ: concept and OWL class of an RNCP/BCN abbreviation (CAP, BAC PRO, MC4…)."""
        key = " ".join(abbreviation.upper().split())
        if key in self.types:
            return self.types[key]
        if key[:2] == "MC" and key[2:].isdigit() and "MC" in self.types:
            return self.types["MC"]
        return None

    def route_for(self, label: str) -> str | None:
        # The same few labels come back on most rows: remember their normal form (bounded).
        cache = self.__dict__.setdefault("_route_cache", {})
        if label in cache:
            return cache[label]
        found = self.routes.get(norm_label(label))
        if len(cache) < 10_000:
            cache[label] = found
        return found
