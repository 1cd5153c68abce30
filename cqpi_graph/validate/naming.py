"""Names for people: a resource by its label and code, a property by its label (never a blank id)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from ..catalog import LabelCandidate, choose_label, local_name
from ..namespaces import CQ, ID
from .sparql_engine import to_ox, to_rdflib

Triples = Callable[
    [rdflib.term.Node | None, rdflib.term.Node | None, rdflib.term.Node | None],
    Iterable[tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]],
]

CQN = rdflib.Namespace(CQ)
LABELS = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
CODES = (CQN.rncpCode, CQN.provisionalCode, CQN.bcnCode, CQN.idcc, CQN.code, SKOS.notation, CQN.abbreviation)
MAX_LABEL = 90
# Labels of the external properties the shapes use (the ontology labels its own).
EXTERNAL_LABELS = {
    str(RDFS.label): ("intitulé", "label"),
    str(SKOS.prefLabel): ("intitulé", "label"),
    str(SKOS.notation): ("code", "code"),
    str(DCTERMS.description): ("description", "description"),
    str(DCTERMS.title): ("titre", "title"),
}


def graph_triples(g: rdflib.Graph) -> Triples:
    return lambda s, p, o: g.triples((s, p, o))


def union_triples(graphs: list[rdflib.Graph]) -> Triples:
    """The triples of several graphs, without copying them into one."""

    def triples(s, p, o) -> Iterator[tuple]:
        for g in graphs:
            yield from g.triples((s, p, o))

    return triples


def _broader(narrow: rdflib.URIRef, broad: rdflib.URIRef, vocab: rdflib.Graph) -> bool:
    """Whether `narrow` is a subclass of `broad`, at any depth."""
    path = RDFS.subClassOf * "+"  # type: ignore[operator]  # rdflib's path operators are untyped
    return (narrow, path, broad) in vocab


def _subject(node: object) -> ox.NamedNode | ox.BlankNode | None:
    return node if isinstance(node, ox.NamedNode | ox.BlankNode) else None


def _predicate(node: object) -> ox.NamedNode | None:
    return node if isinstance(node, ox.NamedNode) else None


def store_triples(store: ox.Store) -> Triples:
    def triples(s, p, o) -> Iterator[tuple]:
        subject, predicate = (to_ox(t) if t is not None else None for t in (s, p))
        for q in store.quads_for_pattern(
            _subject(subject), _predicate(predicate), to_ox(o) if o is not None else None, None
        ):
            if isinstance(q.subject, ox.Triple):
                continue
            yield to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)

    return triples


def compact(iri: str) -> str:
    for base, prefix in ((ID, "id:"), (CQ, "cq:")):
        if iri.startswith(base):
            return prefix + iri[len(base) :]
    return iri


def internal(iri: str) -> bool:
    """An IRI of the project's own namespaces: never shown to people (its path is a slug)."""
    return iri.startswith((ID, CQ, "https://w3id.org/cqpi/"))


def _pick(values: list[rdflib.term.Node], lang: str) -> str | None:
    """The literal to show in `lang`, by the catalog's label rule."""
    candidates = [LabelCandidate(str(v), v.language) for v in values if isinstance(v, rdflib.Literal)]
    return choose_label(candidates, lang) or None


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


class Namer:
    """Names resources of a data graph; the vocabulary gives class and property labels."""

    def __init__(self, triples: Triples, vocabulary: rdflib.Graph, lang: str = "fr") -> None:
        self.triples = triples
        self.vocab = vocabulary
        self.lang = lang
        self._cache: dict[rdflib.term.Node, str] = {}
        self._vocab_labels: dict[rdflib.term.Node, str] = {}
        self._kinds: dict[frozenset, str | None] = {}

    def _objects(self, node: rdflib.term.Node, prop: rdflib.term.Node) -> list[rdflib.term.Node]:
        return [o for _, _, o in self.triples(node, prop, None)]

    def quote(self, text: str) -> str:
        return f"“{text}”" if self.lang == "en" else f"« {text} »"

    def vocab_label(self, iri: rdflib.term.Node) -> str:
        label = self._vocab_labels.get(iri)
        if label is None:
            label = self._vocab_labels[iri] = self._vocab_label(iri)
        return label

    def _vocab_label(self, iri: rdflib.term.Node) -> str:
        if str(iri) in EXTERNAL_LABELS:
            fr, en = EXTERNAL_LABELS[str(iri)]
            return en if self.lang == "en" else fr
        label = _pick(
            list(self.vocab.objects(iri, RDFS.label)) + list(self.vocab.objects(iri, SKOS.prefLabel)),
            self.lang,
        )
        return label or local_name(str(iri))

    # The three term readers below are what StoreNamer redefines on Oxigraph terms.
    def _label_of(self, node: rdflib.term.Node, prop: rdflib.term.Node) -> str | None:
        return _pick(self._objects(node, prop), self.lang)

    def _literal_texts(self, node: rdflib.term.Node, prop: rdflib.term.Node) -> list[str]:
        return [str(o) for o in self._objects(node, prop) if isinstance(o, rdflib.Literal)]

    def _type_iris(self, node: rdflib.term.Node) -> frozenset[str]:
        return frozenset(str(t) for t in self._objects(node, RDF.type) if isinstance(t, rdflib.URIRef))

    def label(self, node: rdflib.term.Node) -> str | None:
        for p in LABELS:
            text = self._label_of(node, p)
            if text:
                return _shorten(text)
        return None

    def code(self, node: rdflib.term.Node) -> str | None:
        seen: list[str] = []
        for p in CODES:
            for text in self._literal_texts(node, p):
                if text not in seen:
                    seen.append(text)
        return ", ".join(seen) or None

    def kind(self, node: rdflib.term.Node) -> str | None:
        types = self._type_iris(node)
        if types not in self._kinds:
            self._kinds[types] = self._kind(frozenset(rdflib.URIRef(t) for t in types))
        return self._kinds[types]

    def _kind(self, types: frozenset[rdflib.URIRef]) -> str | None:
        """The label of the most specific class among a set of types (cq: classes preferred)."""
        cq_types = [t for t in types if str(t).startswith(CQ)] or types
        if not cq_types:
            return None
        specific = [
            t for t in cq_types if not any(t2 != t and _broader(t2, t, self.vocab) for t2 in cq_types)
        ]
        best = sorted(specific or cq_types, key=str)[0]
        return self.vocab_label(best)

    def name(self, node: rdflib.term.Node, depth: int = 0) -> str:
        if node in self._cache:
            return self._cache[node]
        kind = self.kind(node)
        label, code = self.label(node), self.code(node)
        if label or code:
            text = self.quote(label) if label else ""
            if code:
                text = f"{text} ({code})" if text else code
            result = f"{kind} {text}" if kind else text
        elif isinstance(node, rdflib.Literal):
            result = self.quote(str(node))
        elif isinstance(node, rdflib.URIRef) and not internal(str(node)):
            result = f"{kind} <{node}>" if kind else f"<{node}>"
        else:
            # A blank node or one of the project's IRIs without label: named by what holds it.
            parent = None
            if depth < 3:
                for s, _, _ in self.triples(None, None, node):
                    if s != node:
                        parent = s
                        break
            what = kind or ("ressource" if self.lang == "fr" else "resource")
            if parent is not None:
                of = " de " if self.lang == "fr" else " of "
                result = what + of + self.name(parent, depth + 1)
            else:
                result = what + (" sans libellé" if self.lang == "fr" else " without label")
        self._cache[node] = result
        return result

    def value(self, node: rdflib.term.Node | None) -> str:
        if node is None:
            return ""
        if isinstance(node, rdflib.Literal):
            return str(node)
        if isinstance(node, rdflib.URIRef) and (node, None, None) in self.vocab:
            return self.vocab_label(node)
        label = self.label(node)
        if label:
            return self.quote(label)
        code = self.code(node)
        if code:
            return code
        if isinstance(node, rdflib.URIRef):
            if internal(str(node)):
                return "ressource non décrite" if self.lang == "fr" else "resource not described"
            return f"<{node}>"
        return self.name(node)


class StoreNamer(Namer):
    """A Namer reading an Oxigraph store directly: only the objects it needs become rdflib terms."""

    def __init__(self, store: ox.Store, vocabulary: rdflib.Graph, lang: str = "fr") -> None:
        super().__init__(store_triples(store), vocabulary, lang)
        self.store = store
        self._ox: dict[rdflib.term.Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def _term(self, node: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        # Few properties, and each node is looked up several times in a row (kind, label, code).
        t = self._ox.get(node)
        if t is None:
            t = to_ox(node)
            if len(self._ox) > 1_000:
                self._ox.clear()
            self._ox[node] = t
        return t

    def _ox_objects(self, node: rdflib.term.Node, prop: rdflib.term.Node) -> list:
        if isinstance(node, rdflib.Literal):
            return []  # a literal is never a subject
        return [
            q.object
            for q in self.store.quads_for_pattern(
                _subject(self._term(node)), _predicate(self._term(prop)), None, None
            )
        ]

    def _objects(self, node: rdflib.term.Node, prop: rdflib.term.Node) -> list[rdflib.term.Node]:
        return [to_rdflib(o) for o in self._ox_objects(node, prop)]

    # Namer's term readers on Oxigraph terms: no rdflib term per lookup.
    def _label_of(self, node: rdflib.term.Node, prop: rdflib.term.Node) -> str | None:
        return _pick_ox(self._ox_objects(node, prop), self.lang)

    def _literal_texts(self, node: rdflib.term.Node, prop: rdflib.term.Node) -> list[str]:
        return [_lexical(o) for o in self._ox_objects(node, prop) if isinstance(o, ox.Literal)]

    def _type_iris(self, node: rdflib.term.Node) -> frozenset[str]:
        return frozenset(o.value for o in self._ox_objects(node, RDF.type) if isinstance(o, ox.NamedNode))


_PLAIN = (str(rdflib.XSD.string), str(RDF.langString))


def _lexical(lit: ox.Literal) -> str:
    """str() of the rdflib literal: rdflib normalises the lexical form of typed literals."""
    return lit.value if lit.datatype.value in _PLAIN else str(to_rdflib(lit))


def _pick_ox(values: list, lang: str) -> str | None:
    """_pick on Oxigraph terms (the catalog's label rule)."""
    candidates = [LabelCandidate(_lexical(v), v.language) for v in values if isinstance(v, ox.Literal)]
    return choose_label(candidates, lang) or None
