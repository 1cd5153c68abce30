"""SPARQL 1.1 Service Description of a read-only endpoint on the store (served by the web view at
`GET /sparql` without a query): features, result formats, default dataset and limits.

    from cqpi_graph.export.service import Endpoint, service_description
    data = service_description(store, Endpoint(url="https://…/sparql", result_formats=[…]), "turtle")

The limits (time, results, query size) have no term in the SD vocabulary: they are given with the
project's `cq:queryTimeout`, `cq:maxResults` and `cq:maxQueryBytes` (declared in the ontology) and
in plain words in `rdfs:comment`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD

from ..namespaces import CQ as CQ_NS
from ..namespaces import ID
from ..store import Store

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
ENT = rdflib.Namespace("http://www.w3.org/ns/entailment/")
CQ = rdflib.Namespace(CQ_NS)
QUERY_BASE_IRI = ID  # relative IRIs of queries resolve against the project's identifiers


@dataclass(frozen=True)
class Endpoint:
    """What the service description says of the endpoint besides the store's content."""

    url: str
    result_formats: Sequence[str] = ()  # IRIs in http://www.w3.org/ns/formats/
    timeout: float | None = None  # seconds per query
    max_results: int | None = None  # rows or triples per answer
    max_query_bytes: int | None = None
    federated: bool = False  # SERVICE allowed
    base_iri: str = QUERY_BASE_IRI
    see_also: Sequence[str] = field(default_factory=tuple)  # e.g. the VoID description


def _limits_comment(ep: Endpoint, lang: str) -> str:
    fr = lang == "fr"
    parts = [
        "Point d'accès en lecture seule : SPARQL Update est refusé (403)."
        if fr
        else "Read-only endpoint: SPARQL Update is refused (403)."
    ]
    if ep.timeout:
        parts.append(
            f"Durée maximale d'une requête : {ep.timeout:g} s."
            if fr
            else f"Query time limit: {ep.timeout:g} s."
        )
    if ep.max_results:
        parts.append(
            f"Au plus {ep.max_results} lignes ou triplets par réponse."
            if fr
            else f"At most {ep.max_results} rows or triples per answer."
        )
    if ep.max_query_bytes:
        parts.append(
            f"Requête de {ep.max_query_bytes} octets au plus."
            if fr
            else f"Queries of at most {ep.max_query_bytes} bytes."
        )
    parts.append(
        f"Graphe par défaut : l'union des graphes nommés. IRI de base des requêtes : {ep.base_iri}"
        if fr
        else f"Default graph: the union of the named graphs. Base IRI of queries: {ep.base_iri}"
    )
    return " ".join(parts)


def _dataset(g: rdflib.Graph, store: Store, node: rdflib.BNode) -> None:
    """The default dataset: the union default graph and every named graph, with their sizes."""
    lit = rdflib.Literal
    g.add((node, RDF.type, SD.Dataset))
    default = rdflib.BNode()
    g.add((node, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    for name in store.graphs():
        n = store.count(name)
        named, graph = rdflib.BNode(), rdflib.BNode()
        g.add((node, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, rdflib.URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, lit(n, datatype=XSD.integer)))
    # No size for the union: a triple held by two graphs counts once there, and counting the
    # distinct triples of a national-scale store is no job for a description.
    g.add((default, RDFS.comment, lit("union des graphes nommés", lang="fr")))
    g.add((default, RDFS.comment, lit("union of the named graphs", lang="en")))


def description_graph(store: Store, ep: Endpoint) -> rdflib.Graph:
    g = rdflib.Graph()
    for prefix, ns in (("sd", SD), ("ent", ENT), ("void", VOID), ("dct", DCTERMS), ("cq", CQ)):
        g.bind(prefix, ns)
    g.bind("formats", "http://www.w3.org/ns/formats/")
    lit = rdflib.Literal
    svc = rdflib.URIRef(ep.url)
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, svc))
    g.add((svc, DCTERMS.title, lit("Point d'accès SPARQL de cqpi-graph", lang="fr")))
    g.add((svc, DCTERMS.title, lit("cqpi-graph SPARQL endpoint", lang="en")))
    g.add((svc, RDFS.comment, lit(_limits_comment(ep, "fr"), lang="fr")))
    g.add((svc, RDFS.comment, lit(_limits_comment(ep, "en"), lang="en")))
    for language in (SD.SPARQL10Query, SD.SPARQL11Query):
        g.add((svc, SD.supportedLanguage, language))
    g.add((svc, SD.feature, SD.UnionDefaultGraph))
    if ep.federated:
        g.add((svc, SD.feature, SD.BasicFederatedQuery))
    # Queries see the stored triples (the OWL 2 RL inferences are materialised in a named graph).
    g.add((svc, SD.defaultEntailmentRegime, ENT.Simple))
    for fmt in ep.result_formats:
        g.add((svc, SD.resultFormat, rdflib.URIRef(fmt)))
    dataset = rdflib.BNode()
    g.add((svc, SD.defaultDataset, dataset))
    _dataset(g, store, dataset)
    if ep.timeout:
        g.add((svc, CQ.queryTimeout, lit(ep.timeout, datatype=XSD.decimal)))
    if ep.max_results:
        g.add((svc, CQ.maxResults, lit(ep.max_results, datatype=XSD.integer)))
    if ep.max_query_bytes:
        g.add((svc, CQ.maxQueryBytes, lit(ep.max_query_bytes, datatype=XSD.integer)))
    g.add((svc, CQ.queryBaseIri, lit(ep.base_iri, datatype=XSD.anyURI)))
    for url in ep.see_also:
        g.add((svc, RDFS.seeAlso, rdflib.URIRef(url)))
    return g


RDFLIB_FORMATS = {
    "turtle": "turtle",
    "ntriples": "nt",
    "rdfxml": "xml",
    "jsonld": "json-ld",
}


def service_description(store: Store, ep: Endpoint, fmt: str = "turtle") -> bytes:
    """The service description in one of RDFLIB_FORMATS' keys (turtle, ntriples, rdfxml, jsonld)."""
    if fmt not in RDFLIB_FORMATS:
        raise ValueError(f"format inconnu « {fmt} » (attendu : {', '.join(RDFLIB_FORMATS)})")
    data = description_graph(store, ep).serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode()
