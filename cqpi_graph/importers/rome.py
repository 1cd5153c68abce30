"""ROME 4.0 (France Travail, the unix_*_v460_utf8.csv files of one folder).

- jobs ``…/id/rome/{code}`` (cq:MetierROME, skos:notation, prefLabel; appellations as altLabel);
- competences ``…/id/rome/competence/{code_ogr}`` (savoir-faire, savoir-être professionnel,
  macro-competences as skos:broader) and savoirs ``…/id/rome/savoir/{code_ogr}``;
- job -> item links of coherence_item: cq:romeSavoirFaire, cq:romeSavoirEtre, cq:romeSavoir,
  cq:romeWorkContext, plus cq:romeCoreItem (coeur de métier « Principale ») and
  cq:romeEmergingItem (« Émergente »);
- the composition of each job (liens_rome_referentiels): one cq:BlocROME per (job, block
  number) with cq:hasItem to the items of that block;
- the thematic tree: one skos:Collection per theme, whose members are jobs;
- ROME 4.0's own hierarchy: cq:romeParentJob from a newer job to the historic one it was carved
  from (``code_rome_parent``), cq:romeMacroCode on macro-competences (``code_macro_comp``, e.g.
  1C101: domain 1, stake C, objective 1), used by the computed job proximity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..namespaces import RDFS, SKOS, XSD, Graphs
from ..progress import Progress
from ..store.base import Store
from .common import (
    A,
    CsvRows,
    ImportJob,
    ImportReport,
    QuadSink,
    clean,
    cq,
    fr,
    iri,
    lit,
    named,
    path_opener,
)
from .registry import Source, one_path, register

GRAPH = Graphs.imported("rome")
PUBLISHER = "France Travail"
FILES = {
    "code_rome": "unix_referentiel_code_rome_v460_utf8.csv",
    "appellation": "unix_referentiel_appellation_v460_utf8.csv",
    "competence": "unix_referentiel_competence_v460_utf8.csv",
    "savoir": "unix_referentiel_savoir_v460_utf8.csv",
    "item": "unix_item_v460_utf8.csv",
    "coherence": "unix_coherence_item_v460_utf8.csv",
    "liens": "unix_liens_rome_referentiels_v460_utf8.csv",
    "theme": "unix_arborescence_thematique_v460_utf8.csv",
}
OPTIONAL = {"item", "liens", "theme"}
P = named(f"{SKOS}prefLabel")
ALT = named(f"{SKOS}altLabel")
NOTATION = named(f"{SKOS}notation")
CONCEPT = named(f"{SKOS}Concept")
IN_SCHEME = named(f"{SKOS}inScheme")
BROADER = named(f"{SKOS}broader")


def find_files(folder: Path) -> dict[str, Path]:
    """The ROME files of a folder, any version (unix_…_v4NN_utf8.csv)."""
    if not folder.is_dir():
        raise InputError(
            "un dossier était attendu",
            file=str(folder),
            expected="le dossier des fichiers unix_*_utf8.csv du ROME",
        )
    found: dict[str, Path] = {}
    for key, fname in FILES.items():
        stem = fname.split("_v460")[0]
        matches = sorted(folder.glob(stem + "_v*_utf8.csv"))
        if matches:
            found[key] = matches[-1]
    missing = [FILES[k] for k in FILES if k not in found and k not in OPTIONAL]
    if missing:
        raise InputError(
            f"fichiers ROME absents : {', '.join(missing)}",
            file=str(folder),
            expected="les fichiers unix_*_utf8.csv du ROME 4.0",
        )
    return found


@dataclass(frozen=True)
class ItemKind:
    """What a ROME item (code OGR) is: the job -> item property and the IRI folder of the item."""

    prop: str  # local name of the cq: property from a job to the item (coherence_item)
    folder: str  # rome/{folder}/{code_ogr}

    def iri(self, ogr: str) -> str:
        return iri(f"rome/{self.folder}/{ogr}")


SAVOIR_FAIRE = ItemKind("romeSavoirFaire", "competence")
SAVOIR_ETRE = ItemKind("romeSavoirEtre", "competence")
SAVOIR = ItemKind("romeSavoir", "savoir")
WORK_CONTEXT = ItemKind("romeWorkContext", "contexte")


def competence_kind(category: str) -> ItemKind:
    """Savoir-être professionnel or savoir-faire, from the competence's cat_comp."""
    cat = category.lower()
    return SAVOIR_ETRE if "tre" in cat and "savoir-" in cat else SAVOIR_FAIRE


def core_property(coeur_metier: str) -> str | None:
    """The cq: property marking a job's item as core (« Principale ») or emerging (« Émergente »)."""
    core = clean(coeur_metier).lower()
    if core == "principale":
        return "romeCoreItem"
    if core.startswith("émergente") or core.startswith("emergente"):
        return "romeEmergingItem"
    return None


@dataclass
class ParentRef:
    """A job carved from a historic one (code_rome_parent), checked once every job is read."""

    row: int
    code: str
    parent: str


@dataclass
class RomeRun:
    """One ROME import: where quads go, what was read so far (the codes later files refer to)."""

    files: dict[str, Path]
    sink: QuadSink
    report: ImportReport
    progress: Progress
    jobs: set[str] = field(default_factory=set)
    items: dict[str, ItemKind] = field(default_factory=dict)  # code_ogr -> kind
    parents: list[ParentRef] = field(default_factory=list)

    def rows(self, key: str, required: list[str]) -> tuple[str, CsvRows]:
        p = self.files[key]
        return p.name, CsvRows(path_opener(p), p.name, self.report, delimiter=",", required=required)

    def concept(self, s: str, cls: str, scheme: str, code: str, label: str) -> None:
        """The statements every ROME node shares: class, SKOS concept of its scheme, code, label."""
        add = self.sink.add
        add(s, A, cq(cls))
        add(s, A, CONCEPT)
        add(s, IN_SCHEME, iri(f"scheme/{scheme}"))
        add(s, NOTATION, lit(code))
        add(s, P, fr(clean(label)))


def _read_jobs(run: RomeRun) -> None:
    name, rows = run.rows("code_rome", ["code_rome", "libelle_rome"])
    for row, r in rows:
        code = r["code_rome"].strip().upper()
        if not code:
            run.report.error(name, row, "code_rome", "code ROME vide", "une lettre et 4 chiffres")
            continue
        if not run.report.first(name, row, "code_rome", code, r):
            continue
        s = iri(f"rome/{code}")
        run.jobs.add(code)
        run.report.entities["metier"] += 1
        run.concept(s, "MetierROME", "rome", code, r["libelle_rome"])
        if r.get("code_ogr", "").strip():
            run.sink.add(s, cq("ogrCode"), lit(r["code_ogr"].strip()))
        parent = r.get("code_rome_parent", "").strip().upper()
        if parent and parent != code:
            run.parents.append(ParentRef(row, code, parent))
        run.progress.advance()
    _link_parents(run, name)


def _link_parents(run: RomeRun, name: str) -> None:
    """ROME 4.0: the historic fiche a new one was carved from, when it is a known job."""
    for ref in run.parents:
        if ref.parent in run.jobs:
            run.sink.add(iri(f"rome/{ref.code}"), cq("romeParentJob"), iri(f"rome/{ref.parent}"))
        else:
            run.report.warn(
                name, ref.row, "code_rome_parent", f"code ROME parent inconnu « {ref.parent} » : ignoré"
            )


def _read_appellations(run: RomeRun) -> None:
    name, rows = run.rows("appellation", ["code_ogr", "libelle_appellation_long", "code_rome"])
    for row, r in rows:
        code = r["code_rome"].strip().upper()
        if code not in run.jobs:
            run.report.warn(name, row, "code_rome", f"appellation d'un code ROME inconnu « {code} »")
        label = clean(r["libelle_appellation_long"])
        if label:
            run.sink.add(iri(f"rome/{code}"), ALT, fr(label))
            run.report.entities["appellation"] += 1
        run.progress.advance()


def _ogr(run: RomeRun, name: str, row: int, fld: str, r: dict[str, str]) -> str | None:
    """The item's code OGR when it is a number seen for the first time (else reported)."""
    ogr = r[fld].strip()
    if not ogr.isdigit():
        run.report.error(name, row, fld, f"code OGR invalide « {ogr} »", "un nombre")
        return None
    return ogr if run.report.first(name, row, fld, ogr, r) else None


def _new_items(run: RomeRun, part: str, code: str, label: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(code OGR, row) of the file's items whose code is valid and new; each counted once written."""
    name, rows = run.rows(part, [code, label])
    for row, r in rows:
        ogr = _ogr(run, name, row, code, r)
        if ogr is None:
            continue
        yield ogr, r
        run.report.entities[part] += 1
        run.progress.advance()


def _read_competences(run: RomeRun) -> None:
    for ogr, r in _new_items(run, "competence", "code_ogr", "libelle_competence"):
        _competence(run, ogr, r)


def _competence(run: RomeRun, ogr: str, r: dict[str, str]) -> None:
    add = run.sink.add
    s = SAVOIR_FAIRE.iri(ogr)
    run.concept(s, "Competence", "rome-competences", ogr, r["libelle_competence"])
    cat = clean(r.get("cat_comp", ""))
    texts = (
        (clean(r.get("nature", "")), cq("romeNature")),
        (cat, cq("skillCategory")),
        (clean(r.get("sous_cat_comp", "")), cq("skillSubCategory")),
        (clean(r.get("definition", "")), named(f"{SKOS}definition")),
    )
    for text, prop in texts:
        if text:
            add(s, prop, fr(text))
    macro = r.get("code_ogr_macro_comp", "").strip()
    if macro.isdigit() and macro != ogr:
        add(s, BROADER, SAVOIR_FAIRE.iri(macro))
    macro_code = r.get("code_macro_comp", "").strip()
    if macro_code:  # domain, stake, objective and rank of a macro-competence (1C101)
        add(s, cq("romeMacroCode"), lit(macro_code))
    run.items[ogr] = competence_kind(cat)


def _read_savoirs(run: RomeRun) -> None:
    for ogr, r in _new_items(run, "savoir", "code_ogr_savoir", "libelle_savoir"):
        s = SAVOIR.iri(ogr)
        run.concept(s, "Savoir", "rome-savoirs", ogr, r["libelle_savoir"])
        for fld, prop in (
            ("categorie_savoir", "skillCategory"),
            ("sous_categorie_savoir", "skillSubCategory"),
        ):
            if clean(r.get(fld, "")):
                run.sink.add(s, cq(prop), fr(clean(r[fld])))
        run.items[ogr] = SAVOIR


def _read_contexts(run: RomeRun) -> None:
    """Items that are neither competences nor savoirs: work contexts."""
    _name, rows = run.rows("item", ["code_ogr", "libelle", "code_rubrique"])
    for _row, r in rows:
        ogr = r["code_ogr"].strip()
        if ogr in run.items or not ogr.isdigit():
            continue
        run.concept(WORK_CONTEXT.iri(ogr), "ContexteTravail", "rome-contextes", ogr, r["libelle"])
        run.items[ogr] = WORK_CONTEXT
        run.report.entities["contexte"] += 1


def _read_coherence(run: RomeRun) -> None:
    name, rows = run.rows("coherence", ["code_rome", "code_ogr"])
    for row, r in rows:
        code, ogr = r["code_rome"].strip().upper(), r["code_ogr"].strip()
        kind = run.items.get(ogr)
        if kind is None:
            run.report.warn(name, row, "code_ogr", f"item {ogr} inconnu : lien ignoré")
            continue
        if code not in run.jobs:
            run.report.warn(name, row, "code_rome", f"code ROME inconnu « {code} » : lien conservé")
        job, target = iri(f"rome/{code}"), kind.iri(ogr)
        run.sink.add(job, cq(kind.prop), target)
        core = core_property(r.get("coeur_metier", ""))
        if core:
            run.sink.add(job, cq(core), target)
        run.report.entities["lien"] += 1
        run.progress.advance()


def _read_blocs(run: RomeRun) -> None:
    """The composition of each job: one cq:BlocROME per (job, block number)."""
    _name, rows = run.rows("liens", ["code_rome", "code_compo_bloc", "code_ogr"])
    blocs: set[str] = set()
    for _row, r in rows:
        code, n, ogr = r["code_rome"].strip().upper(), r["code_compo_bloc"].strip(), r["code_ogr"].strip()
        kind = run.items.get(ogr)
        if kind is None or not n:
            continue  # the job itself (block 1) and its appellations (block 2)
        b = iri(f"rome/{code}/bloc/{n}")
        if b not in blocs:
            blocs.add(b)
            run.sink.add(b, A, cq("BlocROME"))
            run.sink.add(iri(f"rome/{code}"), cq("romeBloc"), b)
            run.sink.add(b, cq("order"), lit(n, datatype=XSD + "integer"))
            run.report.entities["bloc"] += 1
        run.sink.add(b, cq("hasItem"), kind.iri(ogr))
        run.progress.advance()


def _read_themes(run: RomeRun) -> None:
    """The thematic tree: one skos:Collection per theme, whose members are jobs."""
    _name, rows = run.rows("theme", ["code_theme", "libelle_theme", "code_rome"])
    themes: set[str] = set()
    add = run.sink.add
    for _row, r in rows:
        t = r["code_theme"].strip()
        node = iri(f"rome/theme/{t}")
        if t not in themes:
            themes.add(t)
            add(node, A, named(f"{SKOS}Collection"))
            add(node, NOTATION, lit(t))
            add(node, P, fr(clean(r["libelle_theme"])))
            add(node, named(f"{RDFS}label"), fr(clean(r["libelle_theme"])))
            run.report.entities["theme"] += 1
        add(node, named(f"{SKOS}member"), iri(f"rome/{r['code_rome'].strip().upper()}"))


def _fill(files: dict[str, Path]) -> Callable[[QuadSink, ImportReport, Progress], None]:
    def fill(sink: QuadSink, report: ImportReport, progress: Progress) -> None:
        run = RomeRun(files, sink, report, progress)
        progress.stage("import ROME : métiers")
        _read_jobs(run)
        _read_appellations(run)
        progress.stage("import ROME : compétences et savoirs")
        _read_competences(run)
        _read_savoirs(run)
        if "item" in files:
            _read_contexts(run)
        progress.stage("import ROME : liens métier -> items")
        _read_coherence(run)
        if "liens" in files:
            progress.stage("import ROME : blocs de composition")
            _read_blocs(run)
        if "theme" in files:
            _read_themes(run)
        if not run.jobs:
            raise InputError(
                "aucun code ROME lu", file=files["code_rome"].name, expected="des lignes de données"
            )

    return fill


def import_rome(store: Store, path: Path, progress: Progress | None = None) -> ImportReport:
    files = find_files(Path(path))
    job = ImportJob(
        "rome",
        GRAPH,
        "ROME 4.0 (France Travail)",
        "ROME 4.0 (France Travail)",
        "import ROME 4.0 (cqpi_graph.importers.rome)",
        sorted(files.values()),
        publisher=PUBLISHER,
    )
    return job.run(store, _fill(files), progress)


register(
    Source(
        "rome",
        GRAPH,
        one_path("rome", import_rome),
        "Importer le ROME 4.0 (dossier des fichiers unix_*_utf8.csv).",
        "cqpi import rome ../shared/data/rome",
    )
)
