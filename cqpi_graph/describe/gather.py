"""The SPARQL queries of a description, each a small named step; `Rows` keeps their answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..namespaces import CQ, DCT, GRAPH, RDF, RDFS, SKOS, Graphs
from ..store import Row, Store, Term

HIDDEN_TYPES = {"http://www.w3.org/2002/07/owl#Thing", RDFS + "Resource"}
OUT_LIMIT = 3000  # statements about the resource
IN_LIMIT = 1000  # statements pointing at it
SHARED_LIMIT = 30  # certifications sharing competences

CODE_PROPERTIES = (
    CQ + "code",
    CQ + "rncpCode",
    CQ + "bcnCode",
    CQ + "idcc",
    CQ + "siret",
    CQ + "abbreviation",
    SKOS + "notation",
)
LITERAL_PROPERTIES = {
    "descriptions": (DCT + "description", SKOS + "definition", RDFS + "comment", CQ + "purpose"),
    "alt_labels": (SKOS + "altLabel", DCT + "alternative"),
}
ACTIVE_PROPERTY = CQ + "active"
FACT_PROPERTIES = {
    "level": (CQ + "level",),
    "eqf": (CQ + "eqfLevel",),
    "certifiers": (CQ + "certifier", CQ + "deliveredBy", CQ + "createdBy"),
    "branches": (CQ + "branch", CQ + "adoptedBy"),
    "partner_branches": (CQ + "partnerBranch", CQ + "partner"),
    "rome": (CQ + "romeJob",),
    "replaces": (CQ + "replaces", CQ + "predecessor"),
    "replaced_by": (CQ + "replacedBy", CQ + "successor"),
    "close_to": (CQ + "closeTo",),
    "bloc_of": (CQ + "blocOf",),
    "correspondences": (CQ + "identifierCorrespondsTo", CQ + "sameCertification"),
}


def short_graph(g: str) -> str:
    return g[len(GRAPH) :] if g.startswith(GRAPH) else g


def iris_of(rows: list[Row]) -> list[str]:
    return [t.value for r in rows for t in r.values() if t.kind == "uri"]


@dataclass
class Rows:
    """The answers of the description's queries."""

    iri: str
    out: list[Row] = field(default_factory=list)  # ?p ?o ?g
    incoming: list[Row] = field(default_factory=list)  # ?x ?p ?g
    blocs: list[Row] = field(default_factory=list)  # ?b ?c ?code
    competences: list[Row] = field(default_factory=list)  # ?c
    activities: list[Row] = field(default_factory=list)  # ?a ?order
    capacities: list[Row] = field(default_factory=list)  # ?c ?order ?er ?cond ?act
    referentiels: list[Row] = field(default_factory=list)  # ?r ?part
    recognitions: list[Row] = field(default_factory=list)  # ?r ?role ?t ?p ?o
    shared: list[Row] = field(default_factory=list)  # ?other ?n ?how
    meta: list[Row] = field(default_factory=list)  # ?g ?p ?o
    related: list[Row] = field(default_factory=list)  # ?x

    def iris(self) -> list[str]:
        every = [self.iri]
        for rows in (self.out, self.incoming, self.blocs, self.competences, self.activities, self.capacities):
            every += iris_of(rows)
        for rows in (self.referentiels, self.recognitions, self.shared, self.meta, self.related):
            every += iris_of(rows)
        return list(dict.fromkeys(every))

    def objects(self, props: tuple[str, ...]) -> list[str]:
        return list(
            dict.fromkeys(r["o"].value for r in self.out if r["p"].value in props and r["o"].kind == "uri")
        )

    def subjects(self, props: tuple[str, ...]) -> list[str]:
        """Resources stating one of `props` with this resource as object."""
        return list(
            dict.fromkeys(
                r["x"].value for r in self.incoming if r["p"].value in props and r["x"].kind == "uri"
            )
        )

    def literals(self, props: tuple[str, ...]) -> list[Term]:
        return list(
            dict.fromkeys(r["o"] for r in self.out if r["p"].value in props and r["o"].kind == "literal")
        )

    def types(self) -> tuple[set[str], set[str]]:
        """(asserted types, every type including inferred ones)."""
        rows = [r for r in self.out if r["p"].value == RDF + "type" and r["o"].kind == "uri"]
        return {r["o"].value for r in rows if r["g"].value != Graphs.INFERRED}, {r["o"].value for r in rows}

    @staticmethod
    def column(rows: list[Row], var: str) -> list[str]:
        return list(dict.fromkeys(r[var].value for r in rows if var in r and r[var].kind == "uri"))


def gather(store: Store, iri: str, *, is_cert: bool) -> Rows:
    s = f"<{iri}>"
    rows = Rows(iri)
    rows.out = store.select(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {s} ?p ?o }} }} LIMIT {OUT_LIMIT}")
    rows.incoming = store.select(f"SELECT ?x ?p ?g WHERE {{ GRAPH ?g {{ ?x ?p {s} }} }} LIMIT {IN_LIMIT}")
    _referentiel(store, s, rows)
    rows.recognitions = _recognitions(store, s)
    rows.shared = _shared(store, s) if is_cert else []
    rows.meta = _meta(store, sorted({r["g"].value for r in rows.out + rows.incoming}))
    if not is_cert:
        rows.related = store.select(
            f"SELECT DISTINCT ?x WHERE {{ ?x ?p {s} . ?x a cq:Certification }} LIMIT 300"
        )
    return rows


def _referentiel(store: Store, s: str, rows: Rows) -> None:
    """Blocs and their competences; the référentiel's activities and capacités."""
    rows.blocs = store.select(f"""SELECT ?b ?c ?code WHERE {{ {s} cq:hasBloc ?b .
        OPTIONAL {{ ?b cq:hasCompetence ?c }} OPTIONAL {{ ?b skos:notation ?code }} }}""")
    rows.competences = store.select(f"SELECT ?c WHERE {{ {s} cq:hasCompetence ?c }}")
    rows.activities = store.select(f"""SELECT DISTINCT ?a ?order WHERE {{
        {{ {s} cq:hasReferentiel/cq:hasPart*/cq:hasActivity ?a }} UNION {{ {s} cq:hasActivity ?a }}
        OPTIONAL {{ ?a cq:order ?order }} }}""")
    rows.capacities = store.select(f"""SELECT DISTINCT ?c ?order ?er ?cond ?act WHERE {{
        {{ {s} cq:hasReferentiel/cq:hasPart*/cq:hasCompetence ?c }}
        UNION {{ {s} (cq:hasBloc)?/cq:hasCompetence ?c }}
        {{ ?c cq:expectedResult ?er }} UNION {{ ?c cq:condition ?cond }} UNION {{ ?c cq:activity ?act }}
        UNION {{ ?c cq:order ?order }} }}""")
    rows.referentiels = store.select(
        f"SELECT ?r ?part WHERE {{ {s} cq:hasReferentiel ?r OPTIONAL {{ ?r cq:hasPart ?part }} }}"
    )


def _recognitions(store: Store, s: str) -> list[Row]:
    """Reified statements (recognitions, content proximity) from or towards the resource."""
    return store.select(f"""SELECT ?r ?role ?t ?p ?o WHERE {{
        {{ ?r cq:toCertification|cq:toBloc {s} BIND("in" AS ?role) }}
        UNION {{ ?r cq:fromCertification|cq:fromBloc {s} BIND("out" AS ?role) }}
        ?r a ?t . FILTER EXISTS {{ {{ ?t rdfs:subClassOf* cq:Reconnaissance }}
                                   UNION {{ ?t rdfs:subClassOf* cq:ProximiteContenu }} }}
        ?r ?p ?o }}""")


def _shared(store: Store, s: str) -> list[Row]:
    """Certifications holding the same competences, or competences declared or computed as aligned.
    The certification's own competences first: in one query with the rest, Oxigraph starts from
    every competence of the graph (2.8 s at 500 fiches with ROME/ESCO, for an empty answer)."""
    own = Rows.column(
        store.select(f"""SELECT DISTINCT ?c WHERE {{
            {s} (cq:hasBloc)?/cq:hasCompetence|cq:hasReferentiel/cq:hasPart*/cq:hasCompetence ?c }}"""),
        "c",
    )
    if not own:
        return []
    return store.select(f"""SELECT ?other (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?via) AS ?how) WHERE {{
        VALUES ?c {{ {" ".join(f"<{c}>" for c in own)} }}
        {{ ?other (cq:hasBloc)?/cq:hasCompetence ?c BIND("same" AS ?via) }}
        UNION {{ ?c cq:competenceAlignedWith|skos:exactMatch|skos:closeMatch ?c2 .
                 ?other (cq:hasBloc)?/cq:hasCompetence ?c2 BIND("aligned" AS ?via) }}
        ?other a cq:Certification FILTER(?other != {s})
    }} GROUP BY ?other ORDER BY DESC(?n) LIMIT {SHARED_LIMIT}""")


def _meta(store: Store, graphs: list[str]) -> list[Row]:
    """What the metadata graph says of the named graphs the statements come from."""
    if not graphs:
        return []
    return store.select(f"""SELECT ?g ?p ?o WHERE {{ GRAPH <{Graphs.META}> {{
        VALUES ?g {{ {" ".join(f"<{x}>" for x in graphs)} }} ?g ?p ?o }} }}""")
