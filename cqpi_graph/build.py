"""`cqpi build`: ontology, code lists and curated data into a new store, then OWL RL inference.

Every input is parsed before the store is touched, and the store is written as a new
generation that becomes live only when the whole build succeeded.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .align import align_generation
from .catalog.derive import SamenessReport, derive_sameness
from .errors import InputError, StoreNotBuiltError
from .facets import STATISTICS_GRAPH
from .importers import SOURCES, ImportReport, Source
from .importers.registry import source
from .inference import active_predicates, infer
from .namespaces import CQ, OWL, RDF, RDFS, Graphs
from .progress import NullProgress, Progress
from .provenance import GraphRecord, SourceFile, now_iso, record_graph, sha256_file, source_node
from .resources import turtle_files
from .rules import UnsupportedAxiom, compile_tbox
from .store import Endpoint, Store, open_store, store_writer
from .terms import to_rdflib

# The asserted graphs built from the repository's own files.
PROJECT_GRAPHS: list[tuple[str, str, str, str]] = [
    # graph, resource dir, file pattern, title
    (Graphs.ONTOLOGY, "ontology", "cqpi.ttl", "Ontologie cqpi-graph|cqpi-graph ontology"),
    (Graphs.CODELISTS, "ontology", "codelists.ttl", "Listes de codes (SKOS)|Code lists (SKOS)"),
    (Graphs.CURATED, "data", "*.ttl", "Données issues des documents sources|Curated seed data"),
]
# Graphs never fed to the reasoner: its own output, provenance, computed similarities
# (so that a computed alignment can never be turned into a declared fact).
NOT_REASONED = {Graphs.INFERRED, Graphs.META, Graphs.ALIGNMENTS, STATISTICS_GRAPH}

ImportSpec = tuple[str, Path | Sequence[Path]]


@dataclass
class BuildReport:
    graphs: dict[str, int] = field(default_factory=dict)
    inferred: int = 0
    seconds: float = 0.0
    imports: list[ImportReport] = field(default_factory=list)
    location: str = ""
    sameness: SamenessReport | None = None
    skipped: bool = False  # the live graph was built from exactly these inputs: nothing to do

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


def _rdflib_to_nt(t: rdflib.term.Node) -> str:
    return t.n3()


def asserted_triples(store: Store) -> list[tuple]:
    """Triples of every asserted graph, schema first, as rdflib terms for the reasoners.

    Schema triples (OWL, RDFS and RDF list vocabulary) come from every graph, since extra data
    may extend the ontology; other triples only when some axiom can act on their predicate.
    Read through the facade (`Store.quads`), so that a remote server's graph is reasoned on
    the client just as the embedded one.
    """
    vocab = (OWL, RDFS, RDF + "first", RDF + "rest")
    graphs = [g for g in store.graphs() if g not in NOT_REASONED]
    tbox_graphs = {Graphs.ONTOLOGY, Graphs.CODELISTS}
    tbox: list[tuple] = []
    rest: list[tuple] = []
    for g in graphs:
        for q in store.quads(g):
            if isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple):
                continue
            t = (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
            is_schema = q.predicate.value.startswith(vocab) or (
                q.predicate.value == RDF + "type" and q.object.value.startswith((OWL, RDFS))
            )
            (tbox if g in tbox_graphs or is_schema else rest).append(t)
    active = active_predicates(tbox)
    return tbox + [t for t in rest if str(t[1]) in active]


def _nt_triples(store: Store, graphs: list[str]) -> Iterator[tuple[str, str, str]]:
    """Triples of the given graphs as N-Triples strings (pyoxigraph prints terms that way)."""
    for g in graphs:
        for q in store.quads(g):
            if not isinstance(q.subject, ox.Triple):
                yield (str(q.subject), str(q.predicate), str(q.object))


def _schema_triples(store: Store, graphs: list[str]) -> Iterator[tuple[str, str, str]]:
    """Schema axioms stated anywhere (a user's extra data may extend the ontology)."""
    from .rules import SCHEMA_PREDICATES, SCHEMA_TYPES

    preds = " ".join(SCHEMA_PREDICATES)
    types = " ".join(SCHEMA_TYPES)
    values = " ".join(f"<{g}>" for g in graphs)
    rows = store.select(f"""SELECT ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }}
        {{ VALUES ?p {{ {preds} }} GRAPH ?g {{ ?s ?p ?o }} }}
        UNION {{ VALUES ?o {{ {types} }} BIND(rdf:type AS ?p) GRAPH ?g {{ ?s rdf:type ?o }} }} }}""")
    for r in rows:
        yield (r["s"].n3(), r["p"].n3(), r["o"].n3())


def _values(pairs: Iterable[tuple[str, str]]) -> str:
    return " ".join(f"({a} {b})" for a, b in sorted(pairs))


def _materialise_rules(store: Store) -> None:
    """The compiled-TBox engine (cqpi_graph.rules).

    The relational properties (inverse, symmetric, transitive) are closed in Python on their
    own triples only; every other rule is one SPARQL INSERT evaluated by the store itself, with
    the compiled TBox pairs in a VALUES block and a guard against restating asserted triples.
    """
    from .rules import TYPE, _fixpoint

    asserted = [g for g in store.graphs() if g not in NOT_REASONED]
    tbox = compile_tbox(_schema_triples(store, asserted))
    skip = ", ".join(f"<{g}>" for g in sorted(NOT_REASONED))
    skip_meta = ", ".join(f"<{g}>" for g in sorted(NOT_REASONED - {Graphs.INFERRED}))

    # 1. Relational facts: inverse, symmetric, transitive, and their super-properties.
    facts: set[tuple[str, str, str]] = set()
    for p in sorted(tbox.relational):
        query = f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s {p} ?o }} FILTER(?g NOT IN ({skip})) }}"
        for r in store.select(query):
            facts.add((r["s"].n3(), p, r["o"].n3()))
    asserted_facts = set(facts)
    derived = _fixpoint(tbox, facts) - asserted_facts
    store.add_quads((s, p, o, Graphs.INFERRED) for s, p, o in derived)

    def insert(template: str, values: str, pattern: str | None, graphs: str = "") -> None:
        """CONSTRUCT the consequences, serialised and bulk-loaded by the store (no transaction
        log, no Python per triple); what an asserted graph already states is left out."""
        if not values:
            return
        where = f"GRAPH ?g {{ {pattern} }} FILTER(?g NOT IN ({graphs}))" if pattern else ""
        variables = " ".join(sorted({t for t in template.split() if t.startswith("?")}))
        data = store.construct(
            f"""CONSTRUCT {{ {template} }} WHERE {{ SELECT DISTINCT {variables} WHERE {{
            VALUES {values}
            {where}
            FILTER NOT EXISTS {{ GRAPH ?h {{ {template} }} FILTER(?h NOT IN ({skip})) }} }} }}""",
            "ntriples",
        )
        if data:
            store.load(data, "ntriples", Graphs.INFERRED)

    # 2. Super-properties of the other properties (prp-spo1, prp-eqp).
    spo = {(p, q) for p, qs in tbox.super_props.items() if p not in tbox.relational for q in qs}
    insert("?x ?q ?y", "(?p ?q) { " + _values(spo) + " }" if spo else "", "?x ?p ?y", skip)
    # 3. Domains and ranges (prp-dom, prp-rng), over asserted and inferred property triples;
    #    the declared classes only: step 4 adds their super-classes.
    dom = {(p, c) for p, cs in tbox.domains.items() for c in cs}
    rng = {(p, c) for p, cs in tbox.ranges.items() for c in cs}
    insert(f"?x {TYPE} ?c", "(?p ?c) { " + _values(dom) + " }" if dom else "", "?x ?p ?y", skip_meta)
    insert(
        f"?y {TYPE} ?c",
        "(?p ?c) { " + _values(rng) + " }" if rng else "",
        "?x ?p ?y FILTER(!isLiteral(?y))",
        skip_meta,
    )
    # 4. Super-classes of every type (cax-sco, cax-eqc), asserted or inferred.
    sco = {(c, d) for c, ds in tbox.super_classes.items() for d in ds}
    insert(f"?x {TYPE} ?d", "(?c ?d) { " + _values(sco) + " }" if sco else "", f"?x {TYPE} ?c", skip_meta)
    # 5. The closure of the schema itself (scm-sco, scm-spo).
    schema = [t for t in tbox.schema_triples if t[0] != t[2]]
    if schema:
        rows = " ".join(f"({s} {p} {o})" for s, p, o in schema)
        insert("?s ?p ?o", "(?s ?p ?o) { " + rows + " }", None)


def _engine_version(engine: str) -> str:
    import importlib.metadata as md

    if engine == "rules":
        from . import __version__

        return f"cqpi-graph {__version__}"
    return f"{engine} {md.version(engine)}"


def run_inference(store: Store, engine: str = "rules", progress: Progress | None = None) -> int:
    """Recompute the inferred graph from every asserted graph; returns its size.

    engine: "rules" (default: the TBox compiled to rules, streaming; falls back to
    "reasonable" if the ontology uses a construct it does not implement), "reasonable"
    (general OWL 2 RL, Rust) or "owlrl" (the reference implementation, slow at scale).
    """
    progress = progress or NullProgress()
    started = now_iso()
    store.clear_graph(Graphs.INFERRED)
    if engine == "rules":
        progress.stage("inférence OWL 2 RL (règles compilées)")
        try:
            _materialise_rules(store)
        except UnsupportedAxiom:
            store.clear_graph(Graphs.INFERRED)
            engine = "reasonable"
    if engine != "rules":
        progress.stage(f"inférence OWL 2 RL ({engine})")
        new = infer(asserted_triples(store), engine=engine)
        store.add_quads(
            (_rdflib_to_nt(s), _rdflib_to_nt(p), _rdflib_to_nt(o), Graphs.INFERRED) for s, p, o in new
        )
    n = store.count(Graphs.INFERRED)
    progress.advance(n)
    version = _engine_version(engine)
    record_graph(
        store,
        GraphRecord(
            Graphs.INFERRED,
            "Triplets inférés (OWL 2 RL)",
            "Inferred triples (OWL 2 RL)",
            f"inférence OWL 2 RL par {engine} ({version})",
            started=started,
            extra={CQ + "reasoner": f'"{engine} ({version})"'},
        ),
    )
    return n


def _previous_imports(location: Path | str | None, endpoint: str | Endpoint | None) -> dict:
    """What the live store (the one a build replaces) recorded of its imports; {} if none."""
    from .errors import StoreError
    from .importers.guard import previous_imports
    from .store import open_store

    try:
        with open_store(location, endpoint=endpoint) as live:
            return previous_imports(live)
    except StoreError:
        return {}


def record_subjects(store: Store, graph: str, files: Sequence[Path]) -> None:
    """Which file describes which subject (meta graph, cq:describes), so that a check on the
    stored graph can name the file a bad statement comes from."""
    quads = []
    for i, f in enumerate(files):
        node = f"<{source_node(graph, i)}>"
        subjects = {t.subject for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)}
        for sub in subjects:
            if isinstance(sub, ox.NamedNode):
                quads.append((node, f"<{CQ}describes>", str(sub), Graphs.META))
    store.add_quads(quads)


def group_imports(imports: Sequence[ImportSpec]) -> list[tuple[Source, list[Path]]]:
    """The imports to run, one per source, in the order sources first appear: the files of a
    source that combines several (RNCP/RS exports) are gathered; any other source given twice
    is an error. Paths are checked to exist."""
    out: dict[str, list[Path]] = {}
    for name, paths in imports:
        src = source(name)
        for path in [paths] if isinstance(paths, str | Path) else paths:
            if not Path(path).exists():
                raise InputError("fichier ou dossier introuvable", file=str(path), field="--with")
            files = out.setdefault(src.name, [])
            if files and not src.several:
                raise InputError(
                    f"la source « {name} » est donnée deux fois", field="--with", expected="un seul fichier"
                )
            files.append(Path(path))
    return [(SOURCES[name], files) for name, files in out.items()]


def derive(store: Store, reasoner: str = "rules", progress: Progress | None = None) -> SamenessReport:
    """What is computed from the asserted graphs after every build or import: the catalog's
    sameness decisions, then OWL 2 RL inference, then the text model and the computed
    alignments (align.align_generation), then the indexes kept with the generation (search,
    facets and statistics graph, catalog, recognition graph, competence index)."""
    from .indexes import build_indexes

    progress = progress or NullProgress()
    progress.stage("catalogue : correspondances d'identifiants")
    report = derive_sameness(store)
    run_inference(store, reasoner, progress)
    progress.stage("compaction des index du graphe")
    store.optimize()  # the text model and the indexes read millions of quads: from compacted files
    with store.memo_reads():  # the steps below read the same predicates again and again
        aligned = align_generation(store, progress)  # the text model and computed alignments (issue 14)
        build_indexes(store, progress, aligned.alignments)  # issue 20: nothing computed on first use
    return report


BUILD_NODE = Graphs.META + "#build"


def inputs_digest(
    groups: Sequence[tuple[str, list[Path], str]], jobs: Sequence[tuple[Source, list[Path]]], reasoner: str
) -> str:
    """What a build is made of: this program's code, its own files, the registry files, the
    reasoner. Two builds with the same digest give the same graph."""
    h = hashlib.sha256(f"{reasoner}\n".encode())
    code = sorted(Path(__file__).resolve().parent.rglob("*.py"))
    for f in [*code, *(f for _, files, _ in groups for f in files)]:
        h.update(f"{f.name}:{sha256_file(f)}\n".encode())
    for src, paths in jobs:
        for p in paths:
            files = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
            for f in files:
                h.update(f"{src.name}:{f.name}:{sha256_file(f)}\n".encode())
    return h.hexdigest()


def forget_build_inputs(store: Store) -> None:
    """The graph no longer is what its build's inputs give (an import changed it)."""
    store.update(f"DELETE WHERE {{ GRAPH <{Graphs.META}> {{ <{BUILD_NODE}> <{CQ}inputsDigest> ?d }} }}")


def _live_build(
    location: Path | str | None, endpoint: str | Endpoint | None
) -> tuple[str, dict[str, int]] | None:
    """The inputs digest of the live graph and its graphs' sizes (None: no graph yet)."""
    query = f"SELECT ?d WHERE {{ GRAPH <{Graphs.META}> {{ <{BUILD_NODE}> <{CQ}inputsDigest> ?d }} }}"
    try:
        with open_store(location, endpoint=endpoint) as live:
            values = live.values(query)
            return (values[0], {g: live.count(g) for g in live.graphs()}) if values else None
    except StoreNotBuiltError:
        return None


def build(
    location: Path | str | None = None,
    *,
    endpoint: str | Endpoint | None = None,
    imports: Sequence[ImportSpec] = (),
    extra_data: Sequence[Path] = (),
    reasoner: str = "rules",
    progress: Progress | None = None,
    force: bool = False,
    allow_shrink: bool = False,
) -> BuildReport:
    """Build a new store from the project's files (and registry imports), then infer.

    Skipped (report.skipped) when the live graph was built from exactly the same inputs, unless
    `force`. Each import is compared with the same source's import in the store being replaced:
    one that would shrink its graph raises ShrinkRefused (exit code 2) unless allow_shrink.
    """
    progress = progress or NullProgress()
    t0 = time.monotonic()
    groups = project_files(extra_data)
    progress.stage("vérification des fichiers Turtle", total=sum(len(f) for _, f, _ in groups))
    for _, files, _ in groups:
        for f in files:
            check_turtle(f)
            progress.advance()
    jobs = group_imports(imports)
    digest = inputs_digest(groups, jobs, reasoner)
    live = None if force else _live_build(location, endpoint)
    if live is not None and live[0] == digest:
        return BuildReport(graphs=live[1], skipped=True, seconds=time.monotonic() - t0)
    report = BuildReport()
    from .importers import guard

    previous = _previous_imports(location, endpoint) if imports else None
    with (
        guard.baseline(previous),
        guard.allow_shrink(allow_shrink),
        store_writer(location, endpoint=endpoint, fresh=True) as store,
    ):
        for graph, files, title in groups:
            started = now_iso()
            progress.stage(f"chargement {Path(graph).name}", total=len(files))
            for f in files:
                store.load(f, "turtle", graph)
                progress.advance()
            fr, en = title.split("|")
            record_graph(
                store,
                GraphRecord(
                    graph,
                    fr,
                    en,
                    "chargement de fichiers Turtle du dépôt",
                    sources=[SourceFile(f) for f in files],
                    started=started,
                ),
            )
            if graph == Graphs.CURATED:
                record_subjects(store, graph, files)
        for src, paths in jobs:
            report.imports.append(src.run(store, paths, progress))
        report.sameness = derive(store, reasoner, progress)
        store.add_quads([(f"<{BUILD_NODE}>", f"<{CQ}inputsDigest>", f'"{digest}"', Graphs.META)])
        report.inferred = store.count(Graphs.INFERRED)
        for g in store.graphs():
            report.graphs[g] = store.count(g)
        report.location = store.location
    progress.close()
    report.seconds = time.monotonic() - t0
    return report
