"""Provenance of named graphs, kept in the meta graph: source files, checksums, dates, method."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .namespaces import CQ, DCT, ID, PROV, RDF, RDFS, VOID, XSD, Graphs
from .store.base import Store, Term


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass
class SourceFile:
    """One input file of a graph."""

    path: Path
    sha256: str = ""
    export_date: str | None = None  # ISO date the publisher exported it, when known
    publisher: str | None = None

    def __post_init__(self) -> None:
        if not self.sha256 and self.path.is_file():
            self.sha256 = sha256_file(self.path)


@dataclass
class GraphRecord:
    """What the meta graph says about one named graph."""

    graph: str
    title_fr: str
    title_en: str
    method: str  # e.g. "chargement Turtle", "import RNCP CSV", "OWL 2 RL (reasonable)"
    sources: list[SourceFile] = field(default_factory=list)
    started: str = field(default_factory=now_iso)
    ended: str = field(default_factory=now_iso)
    extra: dict[str, str] = field(default_factory=dict)  # predicate IRI -> N-Triples object


AGENT = ID + "agent/cqpi-graph"  # the program that writes every graph (prov:SoftwareAgent)


def source_node(graph: str, index: int) -> str:
    """The IRI of a graph's index-th source file in the meta graph (file name, checksum, date)."""
    return f"{graph}#source-{index}"


def _lit(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    return Term("literal", value, lang=lang, datatype=datatype).n3()


def record_graph(store: Store, rec: GraphRecord) -> None:
    """Replace what the meta graph says about rec.graph (and its generating activity)."""
    g = rec.graph
    activity = f"{g}#activity"
    store.update(
        f"""DELETE {{ GRAPH <{Graphs.META}> {{ ?s ?p ?o }} }}
        WHERE {{ GRAPH <{Graphs.META}> {{ ?s ?p ?o
                 FILTER(?s = <{g}> || ?s = <{activity}> || STRSTARTS(STR(?s), "{g}#source-")) }} }}"""
    )
    n = store.count(g)
    quads: list[tuple[str, str, str, str]] = []

    def add(s: str, p: str, o: str) -> None:
        quads.append((f"<{s}>", f"<{p}>", o, Graphs.META))

    add(g, RDF + "type", f"<{VOID}Dataset>")
    add(g, RDF + "type", f"<{PROV}Entity>")
    add(g, DCT + "title", _lit(rec.title_fr, lang="fr"))
    add(g, DCT + "title", _lit(rec.title_en, lang="en"))
    add(g, VOID + "triples", _lit(str(n), XSD + "integer"))
    add(g, PROV + "wasGeneratedBy", f"<{activity}>")
    add(g, PROV + "generatedAtTime", _lit(rec.ended, XSD + "dateTime"))
    add(g, DCT + "modified", _lit(rec.ended, XSD + "dateTime"))
    add(activity, RDF + "type", f"<{PROV}Activity>")
    add(activity, RDFS + "label", _lit(rec.method, lang="fr"))
    add(activity, CQ + "method", _lit(rec.method))
    add(activity, PROV + "startedAtTime", _lit(rec.started, XSD + "dateTime"))
    add(activity, PROV + "endedAtTime", _lit(rec.ended, XSD + "dateTime"))
    add(activity, PROV + "wasAssociatedWith", f"<{AGENT}>")
    add(AGENT, RDF + "type", f"<{PROV}SoftwareAgent>")
    add(AGENT, RDFS + "label", _lit(f"cqpi-graph {__version__}"))
    for i, src in enumerate(rec.sources):
        node = source_node(g, i)
        add(g, DCT + "source", f"<{node}>")
        add(g, PROV + "wasDerivedFrom", f"<{node}>")
        add(activity, PROV + "used", f"<{node}>")
        add(node, RDF + "type", f"<{PROV}Entity>")
        add(node, CQ + "fileName", _lit(src.path.name))
        if src.sha256:
            add(node, CQ + "sha256", _lit(src.sha256))
        if src.export_date:
            add(node, CQ + "exportDate", _lit(src.export_date, XSD + "date"))
        if src.publisher:
            add(node, DCT + "publisher", _lit(src.publisher))
    for p, o in rec.extra.items():
        add(g, p, o)
    store.add_quads(quads)


def graph_checksums(store: Store, graph: str) -> list[str]:
    """The sha256 of the files a graph was last loaded from (to skip re-importing them)."""
    rows = store.select(
        f"""SELECT ?sha WHERE {{ GRAPH <{Graphs.META}> {{
            <{graph}> <{DCT}source> ?src . ?src <{CQ}sha256> ?sha }} }}"""
    )
    return sorted(r["sha"].value for r in rows if "sha" in r)


def sources_of(files: Iterable[Path]) -> list[SourceFile]:
    return [SourceFile(Path(f)) for f in files]
