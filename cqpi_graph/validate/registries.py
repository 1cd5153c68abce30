"""Codes of a référentiel looked up in the registries the store holds (``--against-store``).

A code cited by the file (ROME job, NSF and Formacode domains, IDCC of a branch, RNCP or RS code
of the certification) is, for one registry:
- found: the store knows it (nothing to say);
- absent: the store holds that registry whole and does not know the code (a violation);
- not verified: the store does not hold that registry whole, only the codes its imported records
  cite, or nothing at all (an information: unknown is not invalid).

The outcome joins the data graph as facts (``cqs:registryCheck`` nodes) that the shapes of
shapes/registries.ttl report, so that both engines and every report format see the same results.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SKOS

from ..namespaces import CQ, ID, Graphs
from ..store import Store
from .shapes import CQS

CQN = rdflib.Namespace(CQ)


@dataclass(frozen=True)
class Registry:
    key: str  # local name of the registry node in shapes/registries.ttl (cqs:ROME…)
    label_fr: str
    label_en: str
    pattern: str  # the form of a code (malformed codes are left to the format rules)
    lookup: str  # SPARQL pattern binding ?code to the codes the store knows (VALUES ?code first)
    complete: str  # SPARQL ASK: the store holds the registry whole


ROME = Registry(
    "ROME",
    "ROME 4.0",
    "ROME 4.0",
    r"^[A-N][0-9]{4}$",
    f"?x a <{CQ}MetierROME> ; <{SKOS.notation}> ?code .",
    f"ASK {{ GRAPH <{Graphs.imported('rome')}> {{ ?x a <{CQ}MetierROME> }} }}",
)


def _fiche_registry(key: str, label: str) -> Registry:
    """RNCP or RS: the codes of the fiches imported (CSV or XML export) that begin with `key`."""
    pattern = f"^{key}[0-9]+$"
    return Registry(
        key,
        label,
        label,
        pattern,
        f"?x <{CQ}rncpCode> ?code .",
        f"""ASK {{ VALUES ?g {{ <{Graphs.imported("rncp")}> <{Graphs.imported("rncp-xml")}> }}
        GRAPH ?g {{ ?x <{CQ}rncpCode> ?c . FILTER (REGEX(STR(?c), "{pattern}")) }} }}""",
    )


RNCP = _fiche_registry("RNCP", "RNCP")
RS = _fiche_registry("RS", "Répertoire spécifique")


def _scheme(name: str) -> str:
    return f"?x <{SKOS.inScheme}> <{ID}scheme/{name}> ; <{SKOS.notation}> ?code ."


# The store holds these nomenclatures only as the codes its imported records cite: whole only
# once an import of the nomenclature itself fills its own graph.
NSF = Registry(
    "NSF",
    "NSF",
    "NSF",
    r"^[0-9]{3}[a-z]?$",
    _scheme("nsf"),
    f"ASK {{ GRAPH <{Graphs.imported('nsf')}> {{ ?s ?p ?o }} }}",
)
FORMACODE = Registry(
    "Formacode",
    "Formacode",
    "Formacode",
    r"^[0-9]{5}$",
    _scheme("formacode"),
    f"ASK {{ GRAPH <{Graphs.imported('formacode')}> {{ ?s ?p ?o }} }}",
)
IDCC = Registry(
    "IDCC",
    "IDCC (conventions collectives)",
    "IDCC (collective agreements)",
    r"^[0-9]{4}$",
    f"?x <{CQ}idcc> ?code .",
    f"ASK {{ GRAPH <{Graphs.imported('idcc')}> {{ ?s ?p ?o }} }}",
)
REGISTRIES = (ROME, NSF, FORMACODE, IDCC, RNCP, RS)


@dataclass(frozen=True)
class Citation:
    """One code the file cites: the node it is about, the registry, the code, where it is."""

    node: rdflib.term.Node
    registry: Registry
    code: str
    prop: rdflib.URIRef  # the property people see it under


def _code(g: rdflib.Graph, node: rdflib.term.Node, prop: rdflib.URIRef, folder: str) -> Iterator[str]:
    """The codes of a cited node: its notation, else the code in one of the project's IRIs."""
    found = False
    for o in g.objects(node, prop):
        found = True
        yield str(o)
    if not found and isinstance(node, rdflib.URIRef) and str(node).startswith(f"{ID}{folder}/"):
        yield str(node)[len(f"{ID}{folder}/") :]


def citations(g: rdflib.Graph) -> list[Citation]:
    """Every well-formed code of a registry the file cites."""
    out: list[Citation] = []
    for prop, registry, folder in (
        (CQN.romeJob, ROME, "rome"),
        (CQN.nsf, NSF, "nsf"),
        (CQN.formacode, FORMACODE, "formacode"),
    ):
        for node in set(g.objects(None, prop)):
            out += [Citation(node, registry, c, SKOS.notation) for c in _code(g, node, SKOS.notation, folder)]
    branches = set(g.subjects(CQN.idcc, None)) | set(g.objects(None, CQN.adoptedBy))
    for node in branches:
        out += [Citation(node, IDCC, c, CQN.idcc) for c in _code(g, node, CQN.idcc, "idcc")]
    for node, code in g.subject_objects(CQN.rncpCode):
        if (node, RDF.type, CQN.BlocDeCompetences) in g:
            continue  # a new référentiel's blocs are coded before the registry knows them
        for registry in (RNCP, RS):
            out.append(Citation(node, registry, str(code), CQN.rncpCode))
    return [c for c in out if re.fullmatch(c.registry.pattern, c.code)]


def _query(store: Store | ox.Store, query: str) -> list[str]:
    if isinstance(store, ox.Store):
        sols = store.query(query, use_default_graph_as_union=True)
        assert isinstance(sols, ox.QuerySolutions)
        return [s["code"].value for s in sols]
    return [str(r["code"]) for r in store.select(query)]


def _ask(store: Store | ox.Store, query: str) -> bool:
    if isinstance(store, ox.Store):
        return bool(store.query(query, use_default_graph_as_union=True))
    return store.ask(query)


def facts(store: Store | ox.Store, g: rdflib.Graph, lang: str) -> tuple[rdflib.Graph, list[str]]:
    """The registry checks of the codes ``g`` cites, as facts, and a note for people."""
    out = rdflib.Graph()
    cited = citations(g)
    checked: list[str] = []
    unverified: list[str] = []
    for registry in REGISTRIES:
        mine = [c for c in cited if c.registry is registry]
        if not mine:
            continue
        codes = sorted({c.code for c in mine})
        values = " ".join(rdflib.Literal(c).n3() for c in codes)
        known = set(
            _query(store, f"SELECT DISTINCT ?code WHERE {{ VALUES ?code {{ {values} }} {registry.lookup} }}")
        )
        complete = _ask(store, registry.complete)
        label = registry.label_en if lang == "en" else registry.label_fr
        (checked if complete else unverified).append(label)
        for c in mine:
            if c.code in known:
                continue
            check = rdflib.BNode()
            out.add((c.node, CQS.registryCheck, check))
            out.add((check, CQS.registry, CQS[registry.key]))
            out.add((check, CQS.code, rdflib.Literal(c.code)))
            out.add((check, CQS.codeProperty, c.prop))
            out.add((check, CQS.status, CQS.Absent if complete else CQS.Unverified))
    return out, _notes(checked, unverified, lang)


def _notes(checked: list[str], unverified: list[str], lang: str) -> list[str]:
    notes = []
    if checked:
        notes.append(
            (
                "Codes checked against the registries the graph holds: "
                if lang == "en"
                else "Codes vérifiés dans les répertoires que le graphe contient : "
            )
            + ", ".join(checked)
            + "."
        )
    if unverified:
        notes.append(
            (
                "Not held whole by the graph (codes it does not know are not verified): "
                if lang == "en"
                else "Répertoires que le graphe ne contient pas en entier "
                "(les codes qu'il ne connaît pas ne sont pas vérifiés) : "
            )
            + ", ".join(unverified)
            + "."
        )
    return notes
