"""IRIs shared by every part of cqpi-graph: vocabulary, data, named graphs, SPARQL prefixes."""

from __future__ import annotations

CQ = "https://w3id.org/cqpi/def#"
ID = "https://w3id.org/cqpi/id/"
GRAPH = "https://w3id.org/cqpi/graph/"
ROME_JOB = ID + "rome/"  # a ROME job is ROME_JOB + its code; its items are below (ROME_JOB + "competence/…")


def is_rome_job(iri: str) -> bool:
    return iri.startswith(ROME_JOB) and "/" not in iri[len(ROME_JOB) :]


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
SCHEMA = "http://schema.org/"
ELM = "http://data.europa.eu/snb/model/elm/"
PROV = "http://www.w3.org/ns/prov#"
QB = "http://purl.org/linked-data/cube#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
EQF = "http://data.europa.eu/snb/eqf/"

# Predeclared in `cqpi query` and in the web SPARQL editor.
PREFIXES: dict[str, str] = {
    "cq": CQ,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dct": DCT,
    "schema": SCHEMA,
    "elm": ELM,
    "prov": PROV,
    "qb": QB,
    "org": ORG,
    "foaf": FOAF,
    "void": VOID,
    "dcat": DCAT,
    "cqs": "https://w3id.org/cqpi/def/stat#",  # the statistics graph (cqpi_graph.facets)
}


class Graphs:
    """Named graphs of the store (see docs/MODEL.md)."""

    ONTOLOGY = GRAPH + "ontology"
    CODELISTS = GRAPH + "codelists"
    CURATED = GRAPH + "curated"
    INFERRED = GRAPH + "inferred"
    META = GRAPH + "meta"
    ALIGNMENTS = GRAPH + "computed/alignments"
    # Decisions of the catalog over declared data: which identifiers are one certification.
    CATALOG = GRAPH + "catalog"

    @staticmethod
    def imported(source: str) -> str:
        """The named graph of one imported registry (rncp, bcn, kit, rome, esco)."""
        return f"{GRAPH}import/{source}"


def sparql_prologue(prefixes: dict[str, str] | None = None) -> str:
    """PREFIX lines for the given (default: common) prefixes."""
    items = (prefixes or PREFIXES).items()
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in items)
