"""DCAT-AP 3 / VoID description of the dataset, for `/.well-known/void` and data catalogues.

Computed from the store itself: a `dcat:Catalog` holding the dataset and its SPARQL service;
the dataset (`void:Dataset` and `dcat:Dataset`) with its publisher, contact point, theme,
language, spatial and temporal coverage; its distributions (the SPARQL endpoint and the dump
files, each with its format, media type and planned availability); one `void:subset` per named
graph with its current triple count, licence and what the meta graph says of it (title, sources
with file name, SHA-256, export date and publisher, generating activity and method, dates); and
a class partition for the main classes.

It conforms to the mandatory DCAT-AP 3.0.1 shapes (`shapes.ttl`, `range.ttl` and the
controlled vocabularies) and to the recommended ones as far as the data allows: the dump of a
graph that combines sources of several licences has no single licence (the rights statement
says which applies to which named graph), and the publisher is not a body of the EU's
corporate-body table. Who publishes is set with `Publisher` (or the environment variables
PUBLISHER_NAME, PUBLISHER_URL, PUBLISHER_TYPE, CONTACT_EMAIL); without it, the site itself.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, VOID, XSD

from ..namespaces import CQ, GRAPH, ID, PREFIXES, Graphs
from ..store import Store

LICENCE_OUVERTE = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
EU_REUSE = "http://data.europa.eu/eli/dec/2011/833/oj"  # Commission decision on the reuse of its documents
# Licences of the imported registries (publisher's own licence, see ../shared/data/SOURCES.md).
IMPORT_LICENCES = {
    "rncp": LICENCE_OUVERTE,
    "bcn": LICENCE_OUVERTE,
    "kit": LICENCE_OUVERTE,
    "rome": LICENCE_OUVERTE,
    "esco": EU_REUSE,
}
AUTH = "http://publications.europa.eu/resource/authority/"
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")
IANA = "https://www.iana.org/assignments/media-types/"
# Dump extension -> (EU file-type code, IANA media type).
FILE_TYPES = {
    "nq": ("RDF_N_QUADS", "application/n-quads"),
    "trig": ("RDF_TRIG", "application/trig"),
    "ttl": ("RDF_TURTLE", "text/turtle"),
    "nt": ("RDF_N_TRIPLES", "application/n-triples"),
    "jsonld": ("JSON_LD", "application/ld+json"),
    "rdf": ("RDF_XML", "application/rdf+xml"),
    "xml": ("XML", "application/xml"),
    "json": ("JSON", "application/json"),
    "csv": ("CSV", "text/csv"),
    "tsv": ("TSV", "text/tab-separated-values"),
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
PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
KEYWORDS = {
    "fr": ("certification professionnelle", "RNCP", "CQP", "CQPI", "équivalence", "compétences"),
    "en": ("professional certification", "RNCP", "CQP", "CQPI", "equivalence", "skills"),
}
Term = rdflib.URIRef | rdflib.BNode | rdflib.Literal


@dataclass(frozen=True)
class Publisher:
    """Who publishes the dataset: name, home page, ADMS publisher type (local name, e.g.
    NonProfitOrganisation), e-mail of the contact point. Unset fields are left out."""

    name: str | None = None
    url: str | None = None
    kind: str | None = None
    email: str | None = None

    @classmethod
    def from_env(cls) -> Publisher:
        def get(key: str) -> str | None:
            return os.environ.get(key) or None

        return cls(get("PUBLISHER_NAME"), get("PUBLISHER_URL"), get("PUBLISHER_TYPE"), get("CONTACT_EMAIL"))


class _Description:
    """The description graph and the helpers that type what DCAT-AP wants typed."""

    def __init__(self, base: str) -> None:
        self.g = rdflib.Graph()
        self.base = base
        for k, v in PREFIXES.items():
            self.g.bind(k, v)
        for prefix, ns in (
            ("void", str(VOID)),
            ("dcat", str(DCAT)),
            ("vcard", str(VCARD)),
            ("dcatap", str(DCATAP)),
        ):
            self.g.bind(prefix, ns)

    def node(self, fragment: str) -> rdflib.URIRef:
        return rdflib.URIRef(f"{self.base}/.well-known/void#{fragment}")

    def add(self, s: Term, p: rdflib.URIRef, o: Term) -> None:
        self.g.add((s, p, o))

    def texts(self, s: Term, p: rdflib.URIRef, fr: str, en: str) -> None:
        self.add(s, p, rdflib.Literal(fr, lang="fr"))
        self.add(s, p, rdflib.Literal(en, lang="en"))

    def concept(self, table: str, code: str, fr: str, en: str, *classes: rdflib.URIRef) -> rdflib.URIRef:
        """A concept of an EU authority table (skos:prefLabel and skos:inScheme: the vocabulary
        shapes check them), with the classes DCAT-AP expects of the property using it."""
        c = rdflib.URIRef(f"{AUTH}{table}/{code}")
        self.add(c, RDF.type, SKOS.Concept)
        for cls in classes:
            self.add(c, RDF.type, cls)
        self.add(c, SKOS.inScheme, rdflib.URIRef(AUTH + table))
        self.texts(c, SKOS.prefLabel, fr, en)
        return c

    def document(self, url: str) -> rdflib.URIRef:
        d = rdflib.URIRef(url)
        self.add(d, RDF.type, FOAF.Document)
        return d


def _project_licence(store: Store) -> str | None:
    rows = store.select(
        f"SELECT ?l WHERE {{ GRAPH <{Graphs.ONTOLOGY}> {{ ?o a owl:Ontology ; dct:license ?l }} }} LIMIT 1"
    )
    return rows[0]["l"].value if rows else None


def _licence(graph: str, project_licence: str | None) -> str | None:
    if graph.startswith(GRAPH + "import/"):
        return IMPORT_LICENCES.get(graph[len(GRAPH + "import/") :])
    return project_licence


def _meta(d: _Description, store: Store) -> None:
    """The meta graph (a literal agent of an activity, in a graph written by an older version,
    becomes a software agent node)."""
    data = store.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{Graphs.META}> {{ ?s ?p ?o }} }}", "ntriples"
    )
    g = rdflib.Graph()
    if data:
        g.parse(data=data, format="nt")
    g.remove((None, VOID.triples, None))  # recomputed below: the meta graph's may predate changes
    for s, p, o in g.triples((None, None, None)):
        if not isinstance(s, rdflib.URIRef | rdflib.BNode) or not isinstance(p, rdflib.URIRef):
            continue
        if p == PROV.wasAssociatedWith and isinstance(o, rdflib.Literal):
            agent = d.node("software")
            d.add(agent, RDF.type, PROV.SoftwareAgent)
            d.add(agent, RDFS.label, o)
            o = agent
        if isinstance(o, rdflib.URIRef | rdflib.BNode | rdflib.Literal):
            d.add(s, p, o)


def _agents(d: _Description, publisher: Publisher) -> tuple[rdflib.URIRef, rdflib.URIRef]:
    """The publisher (foaf:Agent) and the contact point (vcard:Kind)."""
    host = urlparse(d.base).netloc or d.base
    agent, contact = d.node("publisher"), d.node("contact")
    d.add(agent, RDF.type, FOAF.Agent)
    d.add(agent, FOAF.name, rdflib.Literal(publisher.name or host))
    d.add(agent, FOAF.homepage, d.document(publisher.url or f"{d.base}/"))
    if publisher.kind:
        kind = rdflib.URIRef(PUBLISHER_TYPES + publisher.kind)
        d.add(agent, DCTERMS.type, kind)
        d.add(kind, RDF.type, SKOS.Concept)
        d.add(kind, SKOS.inScheme, rdflib.URIRef(PUBLISHER_TYPES + "1.0"))
        d.add(kind, SKOS.prefLabel, rdflib.Literal(publisher.kind, lang="en"))
    d.add(contact, RDF.type, VCARD.Kind)
    d.add(contact, VCARD.fn, rdflib.Literal(publisher.name or host))
    if publisher.email:
        d.add(contact, VCARD.hasEmail, rdflib.URIRef(f"mailto:{publisher.email.removeprefix('mailto:')}"))
    else:
        d.add(contact, VCARD.hasURL, rdflib.URIRef(publisher.url or f"{d.base}/"))
    return agent, contact


def _coverage(d: _Description, store: Store, ds: rdflib.URIRef) -> None:
    """Temporal coverage: from the earliest start to the latest end of registration of an RNCP/RS
    fiche (the registries' own periods; other sources' dates are not registration periods)."""

    def bound(agg: str, prop: str) -> rdflib.Literal | None:
        rows = store.select(
            f"SELECT ({agg}(?d) AS ?x) WHERE {{ ?c cq:rncpCode ?code ; cq:{prop} ?d "
            "FILTER(DATATYPE(?d) = xsd:date) }"
        )
        x = rows[0].get("x") if rows else None
        return rdflib.Literal(x.value, datatype=XSD.date) if x is not None else None

    start, end = bound("MIN", "startDate"), bound("MAX", "endDate")
    if start is None and end is None:
        return
    period = d.node("period")
    d.add(ds, DCTERMS.temporal, period)
    d.add(period, RDF.type, DCTERMS.PeriodOfTime)
    for prop, value in ((DCAT.startDate, start), (DCAT.endDate, end)):
        if value is not None:
            d.add(period, prop, value)


def _rights(d: _Description, store: Store, project_licence: str | None) -> rdflib.URIRef:
    rights = d.node("rights")
    d.add(rights, RDF.type, DCTERMS.RightsStatement)
    parts = sorted(
        f"{g[len(GRAPH) :] if g.startswith(GRAPH) else g} : {lic}"
        for g in store.graphs()
        if (lic := _licence(g, project_licence))
    )
    d.add(
        rights, RDFS.label, rdflib.Literal("Licence de chaque graphe nommé — " + " ; ".join(parts), lang="fr")
    )
    d.add(rights, RDFS.label, rdflib.Literal("Licence of each named graph — " + "; ".join(parts), lang="en"))
    return rights


def _distribution(d: _Description, dist: rdflib.URIRef, url: str, rights: rdflib.URIRef) -> None:
    """A dump file: format, media type (of its content when gzipped), availability, rights."""
    d.add(dist, RDF.type, DCAT.Distribution)
    d.add(dist, DCAT.accessURL, rdflib.URIRef(url))
    d.add(dist, DCAT.downloadURL, rdflib.URIRef(url))
    name = url.rsplit("/", 1)[-1]
    d.add(dist, DCTERMS.title, rdflib.Literal(name))
    inner = name[: -len(".gz")] if name.endswith(".gz") else name
    code, media = FILE_TYPES.get(inner.rsplit(".", 1)[-1].lower(), (None, None))
    what = f"format {code}" if code else "fichier"
    d.texts(
        dist, DCTERMS.description, f"Dump du graphe ({what}) : {name}", f"Dump of the graph ({what}): {name}"
    )
    if code and media:
        d.add(dist, DCTERMS.format, d.concept("file-type", code, code, code, DCTERMS.MediaTypeOrExtent))
        d.add(dist, DCAT.mediaType, _media(d, media))
    if name.endswith(".gz"):
        d.add(dist, DCAT.compressFormat, _media(d, "application/gzip"))
    d.add(
        dist, DCATAP.availability, d.concept("planned-availability", "AVAILABLE", "disponible", "available")
    )
    d.add(dist, DCTERMS.rights, rights)


def _media(d: _Description, media: str) -> rdflib.URIRef:
    m = rdflib.URIRef(IANA + media)
    d.add(m, RDF.type, DCTERMS.MediaType)
    return m


def _sparql(d: _Description, ds: rdflib.URIRef, parts: dict[str, rdflib.URIRef]) -> None:
    """The SPARQL endpoint: a data service, and a distribution that reaches the dataset by it."""
    sparql = rdflib.URIRef(f"{d.base}/sparql")
    d.add(ds, VOID.sparqlEndpoint, sparql)
    svc, dist = d.node("sparql-service"), d.node("sparql")
    protocol = rdflib.URIRef(SPARQL_PROTOCOL)
    d.add(protocol, RDF.type, DCTERMS.Standard)
    d.add(svc, RDF.type, DCAT.DataService)
    d.texts(svc, DCTERMS.title, "Point d'accès SPARQL 1.1 de cqpi-graph", "cqpi-graph SPARQL 1.1 endpoint")
    d.add(svc, DCAT.endpointURL, sparql)
    d.add(svc, DCAT.endpointDescription, sparql)  # GET /sparql without a query: its service description
    d.add(svc, DCAT.servesDataset, ds)
    d.add(svc, DCTERMS.conformsTo, protocol)
    for key in ("publisher", "contact", "theme"):
        d.add(
            svc,
            {"publisher": DCTERMS.publisher, "contact": DCAT.contactPoint, "theme": DCAT.theme}[key],
            parts[key],
        )
    for lang, words in KEYWORDS.items():
        for kw in words:
            d.add(svc, DCAT.keyword, rdflib.Literal(kw, lang=lang))
    d.add(ds, DCAT.distribution, dist)
    d.add(dist, RDF.type, DCAT.Distribution)
    d.texts(dist, DCTERMS.title, "Point d'accès SPARQL 1.1", "SPARQL 1.1 endpoint")
    d.texts(
        dist,
        DCTERMS.description,
        "Requêtes SPARQL 1.1 sur le graphe entier",
        "SPARQL 1.1 queries on the whole graph",
    )
    d.add(dist, DCAT.accessURL, sparql)
    d.add(dist, DCAT.accessService, svc)
    d.add(dist, DCTERMS.conformsTo, protocol)
    d.add(
        dist, DCTERMS.format, d.concept("file-type", "SPARQLQ", "SPARQL", "SPARQL", DCTERMS.MediaTypeOrExtent)
    )
    d.add(
        dist, DCATAP.availability, d.concept("planned-availability", "AVAILABLE", "disponible", "available")
    )
    d.add(dist, DCTERMS.rights, parts["rights"])


def _dataset(d: _Description, store: Store, parts: dict[str, rdflib.URIRef]) -> rdflib.URIRef:
    ds = d.node("dataset")
    d.add(ds, RDF.type, VOID.Dataset)
    d.add(ds, RDF.type, DCAT.Dataset)
    d.texts(
        ds,
        DCTERMS.title,
        "cqpi-graph : certifications professionnelles et équivalences",
        "cqpi-graph: French professional certifications and their equivalences",
    )
    d.texts(
        ds,
        DCTERMS.description,
        "Graphe de connaissances des certifications professionnelles françaises (diplômes, titres, CQP, "
        "CQPM, CQPI, RS), de leurs référentiels, branches et certificateurs, et des reconnaissances entre "
        "elles ; registres RNCP/RS, BCN, ROME et ESCO importés depuis les fichiers de leurs éditeurs.",
        "Knowledge graph of French professional certifications (diplomas, titles, CQP, CQPM, CQPI, RS), "
        "their référentiels, branches and certifiers, and the recognitions between them; the RNCP/RS, "
        "BCN, ROME and ESCO registries imported from their publishers' files.",
    )
    for lang, words in KEYWORDS.items():
        for kw in words:
            d.add(ds, DCAT.keyword, rdflib.Literal(kw, lang=lang))
    d.add(ds, DCTERMS.language, parts["language"])
    d.add(ds, DCTERMS.publisher, parts["publisher"])
    d.add(ds, DCAT.contactPoint, parts["contact"])
    d.add(ds, DCAT.theme, parts["theme"])
    d.add(ds, DCTERMS.spatial, parts["spatial"])
    d.add(ds, DCAT.landingPage, d.document(f"{d.base}/"))
    d.add(ds, DCTERMS.rights, parts["rights"])
    _coverage(d, store, ds)
    d.add(ds, VOID.uriSpace, rdflib.Literal(ID))
    d.add(ds, VOID.uriRegexPattern, rdflib.Literal("^" + ID.replace(".", r"\.")))
    for ns in ("cq", "skos", "dct", "prov", "org", "schema", "elm", "qb", "foaf"):
        d.add(ds, VOID.vocabulary, rdflib.URIRef(PREFIXES[ns]))
    d.add(ds, VOID.triples, rdflib.Literal(store.count(), datatype=XSD.integer))
    return ds


def _catalog(
    d: _Description, ds: rdflib.URIRef, parts: dict[str, rdflib.URIRef], licence: str | None
) -> None:
    cat = d.node("catalog")
    d.add(cat, RDF.type, DCAT.Catalog)
    d.texts(cat, DCTERMS.title, "Catalogue de données cqpi-graph", "cqpi-graph data catalogue")
    d.texts(
        cat,
        DCTERMS.description,
        "Le graphe cqpi-graph et son point d'accès SPARQL, publiés par ce site.",
        "The cqpi-graph graph and its SPARQL endpoint, published by this site.",
    )
    d.add(cat, DCTERMS.publisher, parts["publisher"])
    d.add(cat, DCAT.dataset, ds)
    d.add(cat, DCAT.service, d.node("sparql-service"))
    d.add(cat, FOAF.homepage, d.document(f"{d.base}/"))
    d.add(cat, DCTERMS.language, parts["language"])
    d.add(cat, DCTERMS.spatial, parts["spatial"])
    themes = rdflib.URIRef(AUTH + "data-theme")
    d.add(themes, RDF.type, SKOS.ConceptScheme)
    d.texts(themes, DCTERMS.title, "Thèmes des données", "Data theme")
    d.add(cat, DCAT.themeTaxonomy, themes)
    if licence:  # the catalogue's own metadata: the project's licence
        lic = rdflib.URIRef(licence)
        d.add(lic, RDF.type, DCTERMS.LicenseDocument)
        kind = rdflib.URIRef("http://purl.org/adms/licencetype/Attribution")
        d.add(lic, DCTERMS.type, kind)
        d.add(kind, RDF.type, SKOS.Concept)
        d.add(kind, SKOS.inScheme, rdflib.URIRef("http://purl.org/adms/licencetype/1.0"))
        d.add(kind, SKOS.prefLabel, rdflib.Literal("Attribution", lang="en"))
        d.add(cat, DCTERMS.license, lic)


def _subsets(d: _Description, store: Store, ds: rdflib.URIRef, licence: str | None) -> str | None:
    """One void:subset per named graph with its current count and licence; the latest change."""
    latest = None
    for graph in store.graphs():
        node = rdflib.URIRef(graph)
        d.add(ds, VOID.subset, node)
        d.add(node, RDF.type, VOID.Dataset)
        d.add(node, VOID.triples, rdflib.Literal(store.count(graph), datatype=XSD.integer))
        lic = _licence(graph, licence)
        if lic:
            d.add(node, DCTERMS.license, rdflib.URIRef(lic))
        for mod in d.g.objects(node, DCTERMS.modified):
            latest = max(latest or str(mod), str(mod))
    for cls in PARTITION_CLASSES:
        rows = store.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a cq:{cls} }}")
        n = int(rows[0]["n"].value) if rows else 0
        if n:
            part = d.node(f"class-{cls}")
            d.add(ds, VOID.classPartition, part)
            d.add(part, VOID["class"], rdflib.URIRef(CQ + cls))
            d.add(part, VOID.entities, rdflib.Literal(n, datatype=XSD.integer))
    return latest


def description_graph(
    store: Store, base_url: str, dumps: Sequence[str] = (), publisher: Publisher | None = None
) -> rdflib.Graph:
    d = _Description(base_url.rstrip("/"))
    _meta(d, store)
    doc = rdflib.URIRef(f"{d.base}/.well-known/void")
    d.add(doc, RDF.type, VOID.DatasetDescription)
    d.texts(
        doc,
        DCTERMS.title,
        "Description DCAT-AP / VoID du graphe cqpi-graph",
        "DCAT-AP / VoID description of cqpi-graph",
    )
    licence = _project_licence(store)
    agent, contact = _agents(d, publisher or Publisher.from_env())
    parts = {
        "publisher": agent,
        "contact": contact,
        "language": d.concept("language", "FRA", "français", "French", DCTERMS.LinguisticSystem),
        "spatial": d.concept("country", "FRA", "France", "France", DCTERMS.Location),
        "theme": d.concept(
            "data-theme", "EDUC", "Éducation, culture et sport", "Education, culture and sport"
        ),
        "rights": _rights(d, store, licence),
    }
    ds = _dataset(d, store, parts)
    d.add(doc, FOAF.primaryTopic, ds)
    _catalog(d, ds, parts, licence)
    _sparql(d, ds, parts)
    for i, url in enumerate(dumps):
        dist = d.node(f"dump-{i}")
        full = url if "://" in url else f"{d.base}/{url.lstrip('/')}"
        d.add(ds, VOID.dataDump, rdflib.URIRef(full))
        d.add(ds, DCAT.distribution, dist)
        _distribution(d, dist, full, parts["rights"])
    latest = _subsets(d, store, ds, licence)
    if latest:
        d.add(ds, DCTERMS.modified, rdflib.Literal(latest, datatype=XSD.dateTime))
        d.add(d.node("catalog"), DCTERMS.modified, rdflib.Literal(latest, datatype=XSD.dateTime))
    return d.g


def dataset_description(
    store: Store,
    base_url: str,
    *,
    fmt: str = "turtle",
    dumps: Sequence[str] = (),
    publisher: Publisher | None = None,
) -> bytes:
    """The DCAT-AP/VoID description of the dataset as served at `{base_url}/.well-known/void`.

    base_url is the public root of the web view (the SPARQL endpoint is `{base_url}/sparql`);
    dumps are URLs (absolute, or relative to base_url) of downloadable dump files; publisher
    names who publishes (default: the environment, else the site itself).
    fmt: turtle (text/turtle), jsonld, ntriples or xml (RDF/XML).
    """
    formats = {"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt", "rdfxml": "xml", "xml": "xml"}
    data = description_graph(store, base_url, dumps, publisher).serialize(
        format=formats[fmt], encoding="utf-8"
    )
    return data if isinstance(data, bytes) else data.encode()
