"""DCAT / VoID description of the dataset, for `/.well-known/void` and data catalogues.

The description is computed from the store itself: one `void:subset` per named graph with its
current triple count, what the meta graph says of it (title, sources with file name, SHA-256,
export date and publisher, generating activity and method, dates) and its licence; the SPARQL
endpoint and the dump files as DCAT distributions; a class partition for the main classes.
"""

from __future__ import annotations

from collections.abc import Sequence

import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID, XSD

from ..namespaces import CQ, GRAPH, ID, PREFIXES, Graphs
from ..store import Store

LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
EU_REUSE = "http://data.europa.eu/eli/dec/2011/833/oj"  # Commission decision on the reuse of its documents
# Licences of the imported registries (publisher's own licence, see ../shared/data/SOURCES.md).
IMPORT_LICENCES = {
    "rncp": LICENCE_OUVERTE,
    "rncp-xml": LICENCE_OUVERTE,
    "bcn": LICENCE_OUVERTE,
    "kit": LICENCE_OUVERTE,
    "rome": LICENCE_OUVERTE,
    "esco": EU_REUSE,
}
MEDIA_TYPES = {
    "nq": "application/n-quads",
    "trig": "application/trig",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "xml": "application/xml",
    "gz": "application/gzip",
}
PARTITION_CLASSES = (
    "Certification",
    "BlocDeCompetences",
    "Competence",
    "Organisation",
    "Branche",
    "Reconnaissance",
)
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"


def _licence(store: Store, graph: str, project_licence: str | None) -> str | None:
    if graph.startswith(GRAPH + "import/"):
        return IMPORT_LICENCES.get(graph[len(GRAPH + "import/") :])
    return project_licence


def _project_licence(store: Store) -> str | None:
    rows = store.select(
        f"SELECT ?l WHERE {{ GRAPH <{Graphs.ONTOLOGY}> {{ ?o a owl:Ontology ; dct:license ?l }} }} LIMIT 1"
    )
    return rows[0]["l"].value if rows else None


def _meta_triples(store: Store) -> rdflib.Graph:
    g = rdflib.Graph()
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{Graphs.META}> {{ ?s ?p ?o }} }}"
    data = store.construct(query, "ntriples")
    if data:
        g.parse(data=data, format="nt")
    # Counts are recomputed from the store below; the meta graph's may predate later changes.
    g.remove((None, VOID.triples, None))
    return g


def description_graph(store: Store, base_url: str, dumps: Sequence[str] = ()) -> rdflib.Graph:
    base = base_url.rstrip("/")
    doc = rdflib.URIRef(f"{base}/.well-known/void")
    ds = rdflib.URIRef(f"{base}/.well-known/void#dataset")
    g = _meta_triples(store)
    for k, v in PREFIXES.items():
        g.bind(k, v)
    g.bind("void", str(VOID))
    g.bind("dcat", str(DCAT))
    lit = rdflib.Literal
    g.add((doc, RDF.type, VOID.DatasetDescription))
    g.add((doc, DCTERMS.title, lit("Description VoID/DCAT du graphe cqpi-graph", lang="fr")))
    g.add((doc, FOAF.primaryTopic, ds))
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, lit("cqpi-graph : certifications professionnelles et équivalences", lang="fr")))
    g.add(
        (
            ds,
            DCTERMS.title,
            lit("cqpi-graph: French professional certifications and their equivalences", lang="en"),
        )
    )
    g.add(
        (
            ds,
            DCTERMS.description,
            lit(
                "Graphe de connaissances des certifications professionnelles françaises "
                "(diplômes, titres, CQP, CQPM, CQPI, RS), de leurs référentiels, branches et "
                "certificateurs, et des reconnaissances entre elles ; registres RNCP/RS, BCN, ROME "
                "et ESCO importés depuis les fichiers de leurs éditeurs.",
                lang="fr",
            ),
        )
    )
    g.add(
        (ds, DCTERMS.language, rdflib.URIRef("http://publications.europa.eu/resource/authority/language/FRA"))
    )
    for kw in ("certification professionnelle", "RNCP", "CQP", "CQPI", "équivalence", "compétences"):
        g.add((ds, DCAT.keyword, lit(kw, lang="fr")))
    project_licence = _project_licence(store)
    if project_licence:
        g.add((ds, DCTERMS.license, rdflib.URIRef(project_licence)))
    g.add((ds, VOID.uriSpace, lit(ID)))
    g.add((ds, VOID.uriRegexPattern, lit("^" + ID.replace(".", r"\.").replace("/", "/"))))
    for ns in ("cq", "skos", "dct", "prov", "org", "schema", "elm", "qb", "foaf"):
        g.add((ds, VOID.vocabulary, rdflib.URIRef(PREFIXES[ns])))
    total = store.count()
    g.add((ds, VOID.triples, lit(total, datatype=XSD.integer)))
    # SPARQL endpoint
    sparql = rdflib.URIRef(f"{base}/sparql")
    g.add((ds, VOID.sparqlEndpoint, sparql))
    dist = rdflib.URIRef(f"{base}/.well-known/void#sparql")
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, lit("Point d'accès SPARQL 1.1", lang="fr")))
    g.add((dist, DCAT.accessURL, sparql))
    g.add((dist, DCTERMS.conformsTo, rdflib.URIRef(SPARQL_PROTOCOL)))
    svc = rdflib.URIRef(f"{base}/.well-known/void#sparql-service")
    g.add((svc, RDF.type, DCAT.DataService))
    g.add((svc, DCAT.endpointURL, sparql))
    g.add((svc, DCAT.servesDataset, ds))
    g.add((dist, DCAT.accessService, svc))
    # dumps
    for i, url in enumerate(dumps):
        d = rdflib.URIRef(f"{base}/.well-known/void#dump-{i}")
        full = rdflib.URIRef(url if "://" in url else f"{base}/{url.lstrip('/')}")
        g.add((ds, VOID.dataDump, full))
        g.add((ds, DCAT.distribution, d))
        g.add((d, RDF.type, DCAT.Distribution))
        g.add((d, DCAT.downloadURL, full))
        ext = url.rsplit(".", 1)[-1].lower()
        if ext in MEDIA_TYPES:
            g.add(
                (
                    d,
                    DCAT.mediaType,
                    rdflib.URIRef("https://www.iana.org/assignments/media-types/" + MEDIA_TYPES[ext]),
                )
            )
    # one subset per named graph, with its current count
    latest = None
    for graph in store.graphs():
        node = rdflib.URIRef(graph)
        g.add((ds, VOID.subset, node))
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, VOID.triples, lit(store.count(graph), datatype=XSD.integer)))
        lic = _licence(store, graph, project_licence)
        if lic:
            g.add((node, DCTERMS.license, rdflib.URIRef(lic)))
        for mod in g.objects(node, DCTERMS.modified):
            latest = max(latest or str(mod), str(mod))
    if latest:
        g.add((ds, DCTERMS.modified, lit(latest, datatype=XSD.dateTime)))
    # class partitions
    for cls in PARTITION_CLASSES:
        rows = store.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a cq:{cls} }}")
        n = int(rows[0]["n"].value) if rows else 0
        if not n:
            continue
        part = rdflib.URIRef(f"{base}/.well-known/void#class-{cls}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], rdflib.URIRef(CQ + cls)))
        g.add((part, VOID.entities, lit(n, datatype=XSD.integer)))
    return g


def dataset_description(
    store: Store, base_url: str, *, fmt: str = "turtle", dumps: Sequence[str] = ()
) -> bytes:
    """The DCAT/VoID description of the dataset as served at `{base_url}/.well-known/void`.

    base_url is the public root of the web view (the SPARQL endpoint is `{base_url}/sparql`);
    dumps are URLs (absolute, or relative to base_url) of downloadable dump files.
    fmt: turtle (text/turtle), jsonld, ntriples or xml (RDF/XML).
    """
    formats = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml", "xml": "xml"}
    rdflib_fmt = formats[fmt]
    data = description_graph(store, base_url, dumps).serialize(format=rdflib_fmt, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode()
