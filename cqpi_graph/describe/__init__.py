"""The description of one resource (a certification's page, or any other resource's): its facts,
blocs, référentiel, recognitions in and out, successions, shared competences and every statement
with its named graph. A few SPARQL queries, then one batch of names (`catalog.names`).

    from cqpi_graph.describe import describe
    d = describe(store, "https://w3id.org/cqpi/id/cqpi/CEI", lang="en")
    d.to_dict()
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..catalog import load_catalog
from ..catalog.names import resource_labels
from ..errors import NotFoundError
from ..store import Store
from .gather import (
    ACTIVE_PROPERTY,
    CODE_PROPERTIES,
    FACT_PROPERTIES,
    HIDDEN_TYPES,
    LITERAL_PROPERTIES,
    Rows,
    gather,
)
from .records import Description, Ref
from .shape import (
    activities,
    bloc_views,
    capacities,
    graph_infos,
    recognitions,
    shared_with,
    statements,
    value,
)

Names = Callable[[Iterable[str]], dict[str, str]]

__all__ = ["Description", "Names", "describe", "exists"]


def exists(store: Store, iri: str) -> bool:
    """Whether any statement has the IRI as subject or object."""
    return store.ask(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}")


def describe(store: Store, iri: str, lang: str = "fr", names: Names | None = None) -> Description:
    """Everything known of `iri`, named in `lang` (`names`: a cached labeller, else the catalog's).

    Raises NotFoundError when the graph says nothing of it."""
    if not exists(store, iri):
        raise NotFoundError(
            f"aucune ressource d'IRI <{iri}>", load_catalog(store).suggest(iri.rsplit("/", 1)[-1])
        )
    name: Names = names or (lambda iris: resource_labels(store, iris, lang))
    cat = load_catalog(store)
    rows = gather(store, iri, is_cert=iri in cat)
    labels = name(rows.iris())
    ref = _referrer(labels)
    d = Description(iri, lang, labels.get(iri) or cat.label(iri, lang) or iri)
    d.certification = cat.get(iri, lang)
    _facts(d, rows, ref)
    d.blocs = bloc_views(rows, ref)
    d.activities = activities(rows, ref)
    d.capacities = capacities(rows, ref)
    d.referentiels = [
        ref(i) for i in rows.column(rows.referentiels, "r") + rows.column(rows.referentiels, "part")
    ]
    d.competences = [ref(i) for i in rows.column(rows.competences, "c")]
    d.recognitions_in, d.recognitions_out, d.proximity = recognitions(rows, ref)
    d.shared = shared_with(rows, ref)
    d.statements, d.incoming = statements(iri, rows, ref)
    d.graphs = graph_infos(rows, ref)
    d.related_certs = sorted((ref(i) for i in rows.column(rows.related, "x")), key=lambda r: r.label.lower())
    return d


def _referrer(labels: dict[str, str]) -> Callable[[str], Ref]:
    def ref(iri: str) -> Ref:
        return Ref(iri, labels.get(iri) or iri)

    return ref


def _facts(d: Description, rows: Rows, ref: Callable[[str], Ref]) -> None:
    """Types, codes, labels and the simple facts, from the statements about the resource."""
    asserted, every = rows.types()
    d.types = [ref(t) for t in sorted(asserted or every - HIDDEN_TYPES)]
    d.codes = list(dict.fromkeys(t.value for t in rows.literals(CODE_PROPERTIES)))
    d.active = [t.value for t in rows.literals((ACTIVE_PROPERTY,))]
    d.descriptions = [value(t, ref) for t in rows.literals(LITERAL_PROPERTIES["descriptions"])]
    d.alt_labels = [value(t, ref) for t in rows.literals(LITERAL_PROPERTIES["alt_labels"])]
    for key, props in FACT_PROPERTIES.items():
        setattr(d, key, [ref(i) for i in rows.objects(props)])
    # a correspondence is symmetric: the rows stating it from the other code count too
    pointing = rows.subjects(FACT_PROPERTIES["correspondences"])
    d.correspondences += [ref(i) for i in pointing if i not in {r.iri for r in d.correspondences}]
