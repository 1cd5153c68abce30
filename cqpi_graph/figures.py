"""Figures of the graph as charts: each a SPARQL query, the rows it answers, and their CSV.

The query shown beside a chart is the one that produced its numbers (run here on the store), so
that an analyst can open it in the editor and change it. Two sources:

* the Céreq survey of the seed (data/cereq-survey.ttl): an RDF Data Cube, one observation per
  percentage the survey reports;
* the registry's counts: the statistics graph (``computed/statistics``, cqpi_graph/facets.py),
  a cube of the catalog's certifications by kind, level and status, and counts per branch; the
  years come from the certifications' registration dates.

What no source says stays unknown: a certification without level is counted under « niveau
inconnu », never under a level.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from .facets import STAT, STATISTICS_GRAPH
from .namespaces import CQ, ID
from .store import Store

PROLOGUE = (
    "PREFIX cq: <https://w3id.org/cqpi/def#>\n"
    "PREFIX cqs: <" + STAT + ">\n"
    "PREFIX qb: <http://purl.org/linked-data/cube#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)


@dataclass(frozen=True, slots=True)
class FigureSpec:
    name: str
    title: dict[str, str]
    unit: dict[str, str]
    query: str  # a SELECT with ?label and ?value ($lang: the page's language)
    kind: str = "bar"  # chart kind: bar (vertical) or hbar (horizontal, long labels)


@dataclass(slots=True)
class Figure:
    spec: FigureSpec
    lang: str
    rows: list[tuple[str, float, str]] = field(default_factory=list)  # (label, value, IRI or "")

    @property
    def title(self) -> str:
        return self.spec.title[self.lang]

    @property
    def unit(self) -> str:
        return self.spec.unit[self.lang]

    @property
    def query(self) -> str:
        return self.spec.query.replace("$lang", self.lang)

    def csv(self) -> str:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["label", "value", "iri"])
        for label, value, iri in self.rows:
            w.writerow([label, f"{value:g}", iri])
        return out.getvalue()

    def to_dict(self) -> dict:
        return {
            "name": self.spec.name,
            "title": self.title,
            "unit": self.unit,
            "kind": self.spec.kind,
            "query": self.query,
            "rows": [{"label": a, "value": b, "iri": c} for a, b, c in self.rows],
        }


def _label(var: str, node: str) -> str:
    """?{var}: the label of ?{node} in the page's language, else French, else its local name."""
    return (
        f"OPTIONAL {{ {node} rdfs:label ?l1 FILTER(LANGMATCHES(LANG(?l1), '$lang')) }}\n"
        f"  OPTIONAL {{ {node} rdfs:label ?l2 FILTER(LANGMATCHES(LANG(?l2), 'fr')) }}\n"
        f"  BIND(COALESCE(?l1, ?l2, REPLACE(STR({node}), '^.*[/#]', '')) AS {var})"
    )


CERTIFICATIONS = {"fr": "certifications", "en": "certifications"}


def _by_dimension(
    name: str, title: dict[str, str], dimension: str, labelling: str, order: str, kind: str = "bar"
) -> FigureSpec:
    """The catalog's certifications summed along one dimension of the kind-level-status cube;
    `labelling` binds ?label from ?{dimension}."""
    query = (
        PROLOGUE
        + f"SELECT ?label (SUM(?n) AS ?value) (SAMPLE(?{dimension}) AS ?iri) WHERE {{\n"
        + f"  GRAPH <{STATISTICS_GRAPH}> {{ ?obs qb:dataSet <{ID}stat/kind-level-status> ;"
        + f" cqs:{dimension} ?{dimension} ; cqs:certifications ?n }}\n"
        + labelling
        + f"}} GROUP BY ?label ORDER BY {order}"
    )
    return FigureSpec(name, title, CERTIFICATIONS, query, kind)


SPECS: tuple[FigureSpec, ...] = (
    FigureSpec(
        "cereq-survey",
        {
            "fr": "Enquête Céreq 1999 : devenir des titulaires du CQPM CSPA",
            "en": "Céreq 1999 survey: career paths of CQPM CSPA holders",
        },
        {"fr": "pourcentage", "en": "percentage"},
        PROLOGUE
        + "SELECT ?label ?value ?iri WHERE {\n"
        + "  ?iri a qb:Observation ; qb:dataSet <"
        + ID
        + "dataset/cereq-1999-cspa> ; cq:percentage ?value ;\n"
        + "    cq:category ?category .\n"
        + "  "
        + _label("?label", "?category")
        + "\n"
        + "} ORDER BY ?iri",
        "hbar",
    ),
    _by_dimension(
        "kinds",
        {"fr": "Certifications par type", "en": "Certifications by kind"},
        "kind",
        "  " + _label("?label", "?kind") + "\n",
        "DESC(?value)",
        "hbar",
    ),
    _by_dimension(
        "levels",
        {
            "fr": "Certifications par niveau (cadre national 2019)",
            "en": "Certifications by level (2019 framework)",
        },
        "level",
        "  OPTIONAL { ?level skos:notation ?code }\n"
        + "  "
        + _label("?name", "?level")
        + "\n"
        + "  BIND(COALESCE(?code, ?name) AS ?label)\n",
        "?label",
    ),
    _by_dimension(
        "status",
        {"fr": "Certifications par statut", "en": "Certifications by status"},
        "status",
        "  BIND(REPLACE(STR(?status), '^.*[/#]', '') AS ?label)\n",
        "DESC(?value)",
    ),
    FigureSpec(
        "branches",
        {"fr": "Certifications par branche professionnelle", "en": "Certifications by professional branch"},
        CERTIFICATIONS,
        PROLOGUE
        + "SELECT ?label ?value ?iri WHERE {\n"
        + f"  GRAPH <{STATISTICS_GRAPH}> {{ ?iri cqs:branchCertifications ?value }}\n"
        + "  "
        + _label("?label", "?iri")
        + "\n"
        + "} ORDER BY DESC(?value) ?label LIMIT 30",
        "hbar",
    ),
    FigureSpec(
        "years",
        {"fr": "Certifications par année de création", "en": "Certifications by year of creation"},
        CERTIFICATIONS,
        PROLOGUE
        + "SELECT ?label (COUNT(DISTINCT ?c) AS ?value) WHERE {\n"
        + f"  ?c a <{CQ}Certification> ; cq:creationYear ?year .\n"
        + "  BIND(SUBSTR(STR(?year), 1, 4) AS ?label)\n"
        + "} GROUP BY ?label ORDER BY ?label",
    ),
)
STATUS_WORDS = {
    "fr": {"active": "active", "inactive": "inactive", "unknown": "statut inconnu"},
    "en": {"active": "active", "inactive": "inactive", "unknown": "status unknown"},
}
UNKNOWN_LEVEL = {"fr": "niveau inconnu", "en": "level unknown"}


def _readable(spec: FigureSpec, label: str, lang: str) -> str:
    if spec.name == "status":
        return STATUS_WORDS[lang].get(label, label)
    if spec.name == "levels" and label == "unknownLevel":
        return UNKNOWN_LEVEL[lang]
    return label


def figure(store: Store, spec: FigureSpec, lang: str = "fr") -> Figure:
    fig = Figure(spec, lang)
    for row in store.select(fig.query):
        value = row.get("value")
        if value is None:
            continue
        label = row["label"].value if row.get("label") is not None else ""
        iri = row["iri"].value if row.get("iri") is not None else ""
        fig.rows.append((_readable(spec, label, lang), float(value.value), iri))
    return fig


def figures(store: Store, lang: str = "fr") -> list[Figure]:
    """Every figure, in the page's language ("fr" or "en")."""
    return [figure(store, spec, lang) for spec in SPECS]


def find_spec(name: str) -> FigureSpec | None:
    return next((s for s in SPECS if s.name == name), None)
