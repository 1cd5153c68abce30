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
from .registry import Source, register, single

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


def _fill(files: dict[str, Path]):
    def rows(key: str, report: ImportReport, required: list[str]):
        p = files[key]
        return p.name, CsvRows(path_opener(p), p.name, report, delimiter=",", required=required)

    def fill(sink: QuadSink, report: ImportReport, progress: Progress) -> None:
        add = sink.add
        ent = report.entities
        jobs: set[str] = set()
        parents: list[tuple[int, str, str]] = []
        comp_kind: dict[str, str] = {}  # code_ogr -> property local name, for coherence_item
        progress.stage("import ROME : métiers")
        name, it = rows("code_rome", report, ["code_rome", "libelle_rome"])
        for row, r in it:
            code = r["code_rome"].strip().upper()
            if not code:
                report.error(name, row, "code_rome", "code ROME vide", "une lettre et 4 chiffres")
                continue
            if not report.first(name, row, "code_rome", code, r):
                continue
            s = iri(f"rome/{code}")
            jobs.add(code)
            ent["metier"] += 1
            add(s, A, cq("MetierROME"))
            add(s, A, CONCEPT)
            add(s, IN_SCHEME, iri("scheme/rome"))
            add(s, NOTATION, lit(code))
            add(s, P, fr(clean(r["libelle_rome"])))
            if r.get("code_ogr", "").strip():
                add(s, cq("ogrCode"), lit(r["code_ogr"].strip()))
            parent = r.get("code_rome_parent", "").strip().upper()
            if parent and parent != code:
                parents.append((row, code, parent))
            progress.advance()
        for row, code, parent in parents:  # ROME 4.0: the historic fiche a new one was carved from
            if parent in jobs:
                add(iri(f"rome/{code}"), cq("romeParentJob"), iri(f"rome/{parent}"))
            else:
                report.warn(name, row, "code_rome_parent", f"code ROME parent inconnu « {parent} » : ignoré")
        name, it = rows("appellation", report, ["code_ogr", "libelle_appellation_long", "code_rome"])
        for row, r in it:
            code = r["code_rome"].strip().upper()
            if code not in jobs:
                report.warn(name, row, "code_rome", f"appellation d'un code ROME inconnu « {code} »")
            label = clean(r["libelle_appellation_long"])
            if label:
                add(iri(f"rome/{code}"), ALT, fr(label))
                ent["appellation"] += 1
            progress.advance()
        progress.stage("import ROME : compétences et savoirs")
        name, it = rows("competence", report, ["code_ogr", "libelle_competence"])
        for row, r in it:
            ogr = r["code_ogr"].strip()
            if not ogr.isdigit():
                report.error(name, row, "code_ogr", f"code OGR invalide « {ogr} »", "un nombre")
                continue
            if not report.first(name, row, "code_ogr", ogr, r):
                continue
            s = iri(f"rome/competence/{ogr}")
            add(s, A, cq("Competence"))
            add(s, A, CONCEPT)
            add(s, IN_SCHEME, iri("scheme/rome-competences"))
            add(s, NOTATION, lit(ogr))
            add(s, P, fr(clean(r["libelle_competence"])))
            nature = clean(r.get("nature", ""))
            cat = clean(r.get("cat_comp", ""))
            if nature:
                add(s, cq("romeNature"), fr(nature))
            if cat:
                add(s, cq("skillCategory"), fr(cat))
            sub = clean(r.get("sous_cat_comp", ""))
            if sub:
                add(s, cq("skillSubCategory"), fr(sub))
            if clean(r.get("definition", "")):
                add(s, named(f"{SKOS}definition"), fr(clean(r["definition"])))
            macro = r.get("code_ogr_macro_comp", "").strip()
            if macro.isdigit() and macro != ogr:
                add(s, BROADER, iri(f"rome/competence/{macro}"))
            macro_code = r.get("code_macro_comp", "").strip()
            if macro_code:  # domain, stake, objective and rank of a macro-competence (1C101)
                add(s, cq("romeMacroCode"), lit(macro_code))
            comp_kind[ogr] = (
                "romeSavoirEtre" if "tre" in cat.lower() and "savoir-" in cat.lower() else "romeSavoirFaire"
            )
            ent["competence"] += 1
            progress.advance()
        name, it = rows("savoir", report, ["code_ogr_savoir", "libelle_savoir"])
        for row, r in it:
            ogr = r["code_ogr_savoir"].strip()
            if not ogr.isdigit():
                report.error(name, row, "code_ogr_savoir", f"code OGR invalide « {ogr} »", "un nombre")
                continue
            if not report.first(name, row, "code_ogr_savoir", ogr, r):
                continue
            s = iri(f"rome/savoir/{ogr}")
            add(s, A, cq("Savoir"))
            add(s, A, CONCEPT)
            add(s, IN_SCHEME, iri("scheme/rome-savoirs"))
            add(s, NOTATION, lit(ogr))
            add(s, P, fr(clean(r["libelle_savoir"])))
            for fld, prop in (
                ("categorie_savoir", "skillCategory"),
                ("sous_categorie_savoir", "skillSubCategory"),
            ):
                if clean(r.get(fld, "")):
                    add(s, cq(prop), fr(clean(r[fld])))
            comp_kind[ogr] = "romeSavoir"
            ent["savoir"] += 1
            progress.advance()
        # Items that are neither competences nor savoirs: work contexts.
        if "item" in files:
            name, it = rows("item", report, ["code_ogr", "libelle", "code_rubrique"])
            for _row, r in it:
                ogr = r["code_ogr"].strip()
                if ogr in comp_kind or not ogr.isdigit():
                    continue
                s = iri(f"rome/contexte/{ogr}")
                add(s, A, cq("ContexteTravail"))
                add(s, A, CONCEPT)
                add(s, IN_SCHEME, iri("scheme/rome-contextes"))
                add(s, NOTATION, lit(ogr))
                add(s, P, fr(clean(r["libelle"])))
                comp_kind[ogr] = "romeWorkContext"
                ent["contexte"] += 1
        progress.stage("import ROME : liens métier -> items")
        name, it = rows("coherence", report, ["code_rome", "code_ogr"])
        for row, r in it:
            code, ogr = r["code_rome"].strip().upper(), r["code_ogr"].strip()
            kind = comp_kind.get(ogr)
            if kind is None:
                report.warn(name, row, "code_ogr", f"item {ogr} inconnu : lien ignoré")
                continue
            if code not in jobs:
                report.warn(name, row, "code_rome", f"code ROME inconnu « {code} » : lien conservé")
            job = iri(f"rome/{code}")
            target = _item_iri(kind, ogr)
            add(job, cq(kind), target)
            core = clean(r.get("coeur_metier", "")).lower()
            if core == "principale":
                add(job, cq("romeCoreItem"), target)
            elif core.startswith("émergente") or core.startswith("emergente"):
                add(job, cq("romeEmergingItem"), target)
            ent["lien"] += 1
            progress.advance()
        if "liens" in files:
            progress.stage("import ROME : blocs de composition")
            name, it = rows("liens", report, ["code_rome", "code_compo_bloc", "code_ogr"])
            blocs: set[str] = set()
            for _row, r in it:
                code, n, ogr = (
                    r["code_rome"].strip().upper(),
                    r["code_compo_bloc"].strip(),
                    r["code_ogr"].strip(),
                )
                kind = comp_kind.get(ogr)
                if kind is None or not n:
                    continue  # the job itself (block 1) and its appellations (block 2)
                b = iri(f"rome/{code}/bloc/{n}")
                if b not in blocs:
                    blocs.add(b)
                    add(b, A, cq("BlocROME"))
                    add(iri(f"rome/{code}"), cq("romeBloc"), b)
                    add(b, cq("order"), lit(n, datatype=XSD + "integer"))
                    ent["bloc"] += 1
                add(b, cq("hasItem"), _item_iri(kind, ogr))
                progress.advance()
        if "theme" in files:
            name, it = rows("theme", report, ["code_theme", "libelle_theme", "code_rome"])
            themes: set[str] = set()
            for _row, r in it:
                t = r["code_theme"].strip()
                node = iri(f"rome/theme/{t}")
                if t not in themes:
                    themes.add(t)
                    add(node, A, named(f"{SKOS}Collection"))
                    add(node, NOTATION, lit(t))
                    add(node, P, fr(clean(r["libelle_theme"])))
                    add(node, named(f"{RDFS}label"), fr(clean(r["libelle_theme"])))
                    ent["theme"] += 1
                add(node, named(f"{SKOS}member"), iri(f"rome/{r['code_rome'].strip().upper()}"))
        if not jobs:
            raise InputError(
                "aucun code ROME lu", file=files["code_rome"].name, expected="des lignes de données"
            )

    return fill


def _item_iri(kind: str, ogr: str) -> str:
    if kind == "romeSavoir":
        return iri(f"rome/savoir/{ogr}")
    if kind == "romeWorkContext":
        return iri(f"rome/contexte/{ogr}")
    return iri(f"rome/competence/{ogr}")


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
        lambda store, paths, progress: import_rome(store, single("rome", paths), progress),
        "Importer le ROME 4.0 (dossier des fichiers unix_*_utf8.csv).",
        "cqpi import rome ../shared/data/rome",
    )
)
