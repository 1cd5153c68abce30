"""`cqpi build`: ontology, code lists and curated data into a new store, then OWL RL inference.

Every input is parsed before the store is touched, and the store is written as a new
generation that becomes live only when the whole build succeeded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .errors import InputError
from .inference import active_predicates, infer
from .namespaces import CQ, Graphs
from .progress import NullProgress, Progress
from .provenance import GraphRecord, SourceFile, now_iso, record_graph
from .resources import turtle_files
from .store import Store, store_writer

# The asserted graphs built from the repository's own files.
PROJECT_GRAPHS: list[tuple[str, str, str, str]] = [
    # graph, resource dir, file pattern, title
    (Graphs.ONTOLOGY, "ontology", "cqpi.ttl", "Ontologie cqpi-graph|cqpi-graph ontology"),
    (Graphs.CODELISTS, "ontology", "codelists.ttl", "Listes de codes (SKOS)|Code lists (SKOS)"),
    (Graphs.CURATED, "data", "*.ttl", "Données issues des documents sources|Curated seed data"),
]
# Graphs never fed to the reasoner: its own output, provenance, computed similarities
# (so that a computed alignment can never be turned into a declared fact).
NOT_REASONED = {Graphs.INFERRED, Graphs.META, Graphs.ALIGNMENTS}

# Importers register here (name -> function(store, path, progress) -> report with .summary()).
Importer = Callable[[Store, Path, Progress], object]
IMPORTERS: dict[str, Importer] = {}


@dataclass
class BuildReport:
    graphs: dict[str, int] = field(default_factory=dict)
    inferred: int = 0
    seconds: float = 0.0
    imports: list[object] = field(default_factory=list)
    location: str = ""

    def lines(self) -> list[str]:
        out = [f"{g}\t{n}" for g, n in sorted(self.graphs.items())]
        out.append(f"total\t{sum(self.graphs.values())}")
        return out


def check_turtle(path: Path) -> None:
    """Parse a Turtle file completely; a syntax error names the file, line and column."""
    try:
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            pass
    except SyntaxError as exc:
        line = col = None
        if isinstance(exc.args, tuple) and len(exc.args) > 1 and isinstance(exc.args[1], tuple):
            pos = exc.args[1]
            line, col = pos[1], pos[2]
        msg = str(exc.args[0]) if exc.args else str(exc)
        raise InputError(f"Turtle invalide : {msg}", file=str(path), line=line, column=col) from None


def project_files(extra_data: Sequence[Path] = ()) -> list[tuple[str, list[Path], str]]:
    """The Turtle files of each project graph; extra_data adds files or folders to the curated one."""
    out = []
    for graph, folder, pattern, title in PROJECT_GRAPHS:
        files = [p for p in turtle_files(folder) if p.match(pattern)]
        if graph == Graphs.CURATED:
            for extra in extra_data:
                extra = Path(extra)
                if extra.is_dir():
                    files.extend(sorted(extra.glob("*.ttl")))
                elif extra.is_file():
                    files.append(extra)
                else:
                    raise InputError("fichier ou dossier introuvable", file=str(extra), field="--data")
        out.append((graph, files, title))
    return out


def _to_rdflib(t: object) -> rdflib.term.Node:
    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return rdflib.BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))
    raise TypeError(f"unsupported term {t!r}")


def _rdflib_to_nt(t: rdflib.term.Node) -> str:
    return t.n3()


def asserted_triples(store: Store) -> list[tuple]:
    """Triples of every asserted graph, TBox first, as rdflib terms for the reasoners.

    Read through the facade (`Store.quads`), so that a remote server's graph is reasoned on
    the client just as the embedded one.
    """
    tbox_graphs = [Graphs.ONTOLOGY, Graphs.CODELISTS]
    tbox = []
    for g in tbox_graphs:
        for q in store.quads(g):
            tbox.append((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
    active = active_predicates(tbox)
    triples = list(tbox)
    for g in store.graphs():
        if g in NOT_REASONED or g in tbox_graphs:
            continue
        for q in store.quads(g):
            if q.predicate.value in active and not isinstance(q.subject, ox.Triple):
                triples.append(
                    (_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object))
                )
    return triples


def run_inference(store: Store, engine: str = "reasonable", progress: Progress | None = None) -> int:
    """Recompute the inferred graph from every asserted graph; returns its size."""
    progress = progress or NullProgress()
    started = now_iso()
    progress.stage(f"inférence OWL 2 RL ({engine})")
    store.clear_graph(Graphs.INFERRED)
    triples = asserted_triples(store)
    new = infer(triples, engine=engine)
    n = store.add_quads(
        (_rdflib_to_nt(s), _rdflib_to_nt(p), _rdflib_to_nt(o), Graphs.INFERRED) for s, p, o in new
    )
    progress.advance(n)
    import importlib.metadata as md

    version = md.version(engine)
    record_graph(
        store,
        GraphRecord(
            Graphs.INFERRED,
            "Triplets inférés (OWL 2 RL)",
            "Inferred triples (OWL 2 RL)",
            f"inférence OWL 2 RL par {engine} {version}",
            started=started,
            extra={CQ + "reasoner": f'"{engine} {version}"'},
        ),
    )
    return n


def build(
    location: Path | str | None = None,
    *,
    endpoint: str | None = None,
    imports: Sequence[tuple[str, Path]] = (),
    extra_data: Sequence[Path] = (),
    reasoner: str = "reasonable",
    progress: Progress | None = None,
) -> BuildReport:
    """Build a new store from the project's files (and registry imports), then infer."""
    progress = progress or NullProgress()
    t0 = time.monotonic()
    groups = project_files(extra_data)
    progress.stage("vérification des fichiers Turtle", total=sum(len(f) for _, f, _ in groups))
    for _, files, _ in groups:
        for f in files:
            check_turtle(f)
            progress.advance()
    for name, path in imports:
        if name not in IMPORTERS:
            known = ", ".join(sorted(IMPORTERS)) or "aucun"
            raise InputError(f"source inconnue « {name} » (connues : {known})", field="--with")
        if not Path(path).exists():
            raise InputError("fichier ou dossier introuvable", file=str(path), field="--with")
    report = BuildReport()
    with store_writer(location, endpoint=endpoint, fresh=True) as store:
        for graph, files, title in groups:
            started = now_iso()
            progress.stage(f"chargement {Path(graph).name}", total=len(files))
            for f in files:
                store.load(f, "turtle", graph)
                progress.advance()
            fr, en = title.split("|")
            record_graph(
                store,
                GraphRecord(graph, fr, en, "chargement de fichiers Turtle du dépôt",
                            sources=[SourceFile(f) for f in files], started=started),
            )
        for name, path in imports:
            report.imports.append(IMPORTERS[name](store, Path(path), progress))
        report.inferred = run_inference(store, reasoner, progress)
        for g in store.graphs():
            report.graphs[g] = store.count(g)
        report.location = store.location
    progress.close()
    report.seconds = time.monotonic() - t0
    return report


# Fill IMPORTERS (the importers package registers itself; imported last because it uses IMPORTERS).
from . import importers as _importers  # noqa: E402,F401
