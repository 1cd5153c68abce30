"""ESCO v1 in French (skills pillar, occupations, skill groups, broader relations) as SKOS.

ESCO keeps its own URIs (http://data.europa.eu/esco/…); labels are @fr; altLabels are the
lines of the altLabels cell; broaderRelationsSkillPillar.csv gives skos:broader.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..namespaces import SKOS, Graphs
from ..progress import Progress
from ..store.base import Store
from .common import A, CsvRows, ImportJob, ImportReport, QuadSink, clean, ext, fr, named, path_opener
from .registry import Source, one_path, register

GRAPH = Graphs.imported("esco")
ESCO = "http://data.europa.eu/esco/model#"
FILES = {
    "skills": "skills_fr.csv",
    "occupations": "occupations_fr.csv",
    "groups": "skillGroups_fr.csv",
    "broader": "broaderRelationsSkillPillar.csv",
}
KINDS = {
    "skills": ("Skill", "skills"),
    "occupations": ("Occupation", "occupations"),
    "groups": ("Skill", "skills-hierarchy"),
}
P = named(f"{SKOS}prefLabel")
ALT = named(f"{SKOS}altLabel")


def find_files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        raise InputError("un dossier était attendu", file=str(folder), expected="le dossier des CSV ESCO")
    found = {k: folder / f for k, f in FILES.items() if (folder / f).is_file()}
    # The current releases (v1.1 on) name this file with its language, as the others.
    if "broader" not in found and (folder / "broaderRelationsSkillPillar_fr.csv").is_file():
        found["broader"] = folder / "broaderRelationsSkillPillar_fr.csv"
    if "skills" not in found:
        raise InputError("skills_fr.csv absent", file=str(folder), expected=", ".join(FILES.values()))
    return found


def _uri(value: str) -> str | None:
    v = value.strip()
    return v if v.startswith("http://data.europa.eu/esco/") and " " not in v and ">" not in v else None


def _fill(files: dict[str, Path]):
    def fill(sink: QuadSink, report: ImportReport, progress: Progress) -> None:
        add = sink.add
        for key in ("skills", "occupations", "groups"):
            if key not in files:
                continue
            cls, scheme = KINDS[key]
            p = files[key]
            progress.stage(f"import ESCO : {p.name}")
            for row, r in CsvRows(
                path_opener(p), p.name, report, delimiter=",", required=["conceptUri", "preferredLabel"]
            ):
                u = _uri(r["conceptUri"])
                if u is None:
                    report.error(
                        p.name,
                        row,
                        "conceptUri",
                        f"URI ESCO invalide « {r['conceptUri'][:80]} »",
                        "http://data.europa.eu/esco/…",
                    )
                    continue
                if not report.first(p.name, row, "conceptUri", u, r):
                    continue
                s = ext(u)
                add(s, A, named(f"{SKOS}Concept"))
                add(s, A, ext(ESCO + cls))
                add(s, named(f"{SKOS}inScheme"), ext(f"http://data.europa.eu/esco/concept-scheme/{scheme}"))
                add(s, P, fr(clean(r["preferredLabel"])))
                for alt in r.get("altLabels", "").split("\n"):
                    if alt.strip():
                        add(s, ALT, fr(clean(alt)))
                if clean(r.get("description", "")):
                    add(s, named(f"{SKOS}definition"), fr(clean(r["description"])))
                if key == "skills":
                    st = r.get("skillType", "").strip()
                    for t in st.split():
                        add(s, ext(ESCO + "skillType"), ext(f"http://data.europa.eu/esco/skill-type/{t}"))
                    rl = r.get("reuseLevel", "").strip()
                    if rl:
                        add(
                            s,
                            ext(ESCO + "skillReuseLevel"),
                            ext(f"http://data.europa.eu/esco/skill-reuse-level/{rl}"),
                        )
                if key == "occupations":
                    isco = r.get("iscoGroup", "").strip()
                    if isco.isdigit():
                        add(s, named(f"{SKOS}broader"), ext(f"http://data.europa.eu/esco/isco/C{isco}"))
                report.entities[
                    {"skills": "competence", "occupations": "metier", "groups": "groupe"}[key]
                ] += 1
                progress.advance()
        if "broader" in files:
            p = files["broader"]
            progress.stage("import ESCO : relations plus générales")
            for row, r in CsvRows(
                path_opener(p), p.name, report, delimiter=",", required=["conceptUri", "broaderUri"]
            ):
                a, b = _uri(r["conceptUri"]), _uri(r["broaderUri"])
                if a is None or b is None:
                    report.error(
                        p.name,
                        row,
                        "conceptUri" if a is None else "broaderUri",
                        "URI ESCO invalide",
                        "http://data.europa.eu/esco/…",
                    )
                    continue
                add(ext(a), named(f"{SKOS}broader"), ext(b))
                report.entities["relation"] += 1
                progress.advance()
        if not report.entities:
            raise InputError(
                "aucune compétence ESCO lue", file=str(files["skills"]), expected="des lignes de données"
            )

    return fill


def import_esco(store: Store, path: Path, progress: Progress | None = None) -> ImportReport:
    files = find_files(Path(path))
    job = ImportJob(
        "esco",
        GRAPH,
        "ESCO v1 (français)",
        "ESCO v1 (French)",
        "import ESCO CSV (cqpi_graph.importers.esco)",
        sorted(files.values()),
        publisher="Commission européenne",
    )
    return job.run(store, _fill(files), progress)


register(
    Source(
        "esco",
        GRAPH,
        one_path("esco", import_esco),
        "Importer ESCO en français (dossier des CSV : skills_fr.csv, occupations_fr.csv…).",
        "cqpi import esco ../shared/data/esco",
    )
)
