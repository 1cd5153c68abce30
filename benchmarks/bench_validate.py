"""Time the validation of one référentiel of about 5,000 triples (not a test).

Generates a complete CQPI référentiel that has no RNCP code yet (provisional codes; blocs,
capacités with their activity, expected results and conditions, evaluation methods, ROME, NSF,
branches with their IDCC, validity dates) from tests/data/referentiels/valid.ttl's pattern, then
validates it as a new référentiel with the full rule set of shapes/ (every file of the
référentiel level), p50/p95/max of N runs after one warm-up; with ``--against-store``, against
the store's graph (CQPI_STORE, or --store), whose registries the codes are looked up in.

    PYTHONPATH=$PWD python benchmarks/bench_validate.py [--triples 5000] [--runs 20] [--against-store]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import rdflib
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from cqpi_graph.validate import validate_referentiel

CQ = rdflib.Namespace("https://w3id.org/cqpi/def#")
ID = "https://w3id.org/cqpi/id/"


def u(path: str) -> rdflib.URIRef:
    return rdflib.URIRef(ID + path)


def fr(text: str) -> rdflib.Literal:
    return rdflib.Literal(text, lang="fr")


def _certification(g: rdflib.Graph) -> tuple[rdflib.URIRef, dict[str, rdflib.URIRef]]:
    cert, ref = u("cqpi/BENCH"), u("referentiel/BENCH")
    parts = {k: u(f"referentiel/BENCH-{k}") for k in ("activites", "competences", "evaluation")}
    g.add((cert, RDF.type, CQ.CQPI))
    g.add((cert, RDFS.label, fr("Conducteur de ligne de mesure")))
    g.add((cert, CQ.abbreviation, rdflib.Literal("BENCH")))
    g.add((cert, CQ.provisionalCode, rdflib.Literal("PROV-BENCH")))
    g.add((cert, CQ.certificationType, u("type/CQPI")))
    g.add((cert, CQ.level, u("niveau/4")))
    g.add((cert, CQ.startDate, rdflib.Literal("2025-09-01", datatype=XSD.date)))
    g.add((cert, CQ.endDate, rdflib.Literal("2030-08-31", datatype=XSD.date)))
    g.add((cert, CQ.deliveredBy, u("org/cpne-bench")))
    g.add((u("org/cpne-bench"), RDF.type, CQ.CPNE))
    g.add((u("org/cpne-bench"), RDFS.label, fr("CPNE des branches du CQPI")))
    for idcc in ("0044", "0292"):
        g.add((cert, CQ.adoptedBy, u(f"idcc/{idcc}")))
        g.add((u(f"idcc/{idcc}"), RDF.type, CQ.Branche))
        g.add((u(f"idcc/{idcc}"), CQ.idcc, rdflib.Literal(idcc)))
    for rome in ("H2102", "H2903"):
        g.add((cert, CQ.romeJob, u(f"rome/{rome}")))
        g.add((u(f"rome/{rome}"), RDF.type, CQ.MetierROME))
        g.add((u(f"rome/{rome}"), SKOS.notation, rdflib.Literal(rome)))
    g.add((cert, CQ.nsf, u("nsf/200")))
    g.add((u("nsf/200"), SKOS.notation, rdflib.Literal("200")))
    g.add((cert, CQ.hasReferentiel, ref))
    g.add((ref, RDF.type, CQ.Referentiel))
    g.add((ref, RDFS.label, fr("Référentiel du CQPI de mesure")))
    for key, prop, cls in (
        ("activites", CQ.activitiesPart, CQ.ReferentielActivites),
        ("competences", CQ.competencesPart, CQ.ReferentielCompetences),
        ("evaluation", CQ.evaluationPart, CQ.ReferentielEvaluation),
    ):
        g.add((ref, prop, parts[key]))
        g.add((parts[key], RDF.type, cls))
    for method in ("livret-activite", "observation-poste"):
        g.add((parts["evaluation"], CQ.evaluationMethod, u(f"modalite/{method}")))
    return cert, parts


def _bloc(g: rdflib.Graph, cert: rdflib.URIRef, n: int) -> rdflib.URIRef:
    bloc = u(f"bloc/PROV-BENCH-BC{n:02d}")
    if (cert, CQ.hasBloc, bloc) not in g:
        g.add((cert, CQ.hasBloc, bloc))
        g.add((bloc, RDF.type, CQ.BlocDeCompetences))
        g.add((bloc, RDFS.label, fr(f"Bloc de compétences numéro {n}")))
        g.add((bloc, CQ.provisionalCode, rdflib.Literal(f"PROV-BENCH-BC{n:02d}")))
        g.add((bloc, CQ.evaluationMethod, u("modalite/observation-poste")))
    return bloc


def generate(target: int) -> rdflib.Graph:
    """A complete référentiel of about ``target`` triples, conforming to every rule."""
    g = rdflib.Graph()
    cert, parts = _certification(g)
    n = 0
    while len(g) < target:
        n += 1
        bloc = _bloc(g, cert, (n - 1) // 10 + 1)
        cap, act = u(f"competence/BENCH-{n}"), u(f"activite/BENCH-{n}")
        g.add((bloc, CQ.hasCompetence, cap))
        g.add((parts["competences"], CQ.hasCompetence, cap))
        g.add((parts["activites"], CQ.hasActivity, act))
        g.add((act, RDF.type, CQ.Activite))
        g.add((act, RDFS.label, fr(f"Activité de conduite {n}")))
        g.add((cap, RDF.type, CQ.Capacite))
        g.add((cap, RDFS.label, fr(f"Capacité de conduite {n}")))
        g.add((cap, CQ.activity, act))
        for k in (1, 2):
            res = u(f"resultat/BENCH-{n}-{k}")
            g.add((cap, CQ.expectedResult, res))
            g.add((res, RDF.type, CQ.ResultatAttendu))
            g.add((res, RDFS.label, fr(f"Résultat attendu {n}.{k}, observable et mesurable.")))
        cond = u(f"condition/BENCH-{n}")
        g.add((cap, CQ.condition, cond))
        g.add((cond, RDF.type, CQ.ConditionRealisation))
        g.add((cond, RDFS.label, fr(f"Conditions de réalisation {n}.")))
    return g


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(graph: rdflib.Graph, runs: int, **kwargs: object) -> tuple[list[float], object]:
    report = validate_referentiel(graph, **kwargs)  # warm-up: shapes, vocabulary, imports
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        report = validate_referentiel(graph, **kwargs)
        times.append(time.perf_counter() - t)
    return times, report


def line(name: str, times: list[float], report) -> str:  # noqa: ANN001
    return (
        f"{name}: p50 {statistics.median(times) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms ({len(times)} runs; {report.summary_line()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--against-store", action="store_true", help="validate against the store's graph")
    parser.add_argument("--store", type=Path, help="the store (default: CQPI_STORE)")
    parser.add_argument("--shacl", action="store_true", help="also time pyshacl for every shape (slow)")
    args = parser.parse_args()
    graph = generate(args.triples)
    print(f"référentiel: {len(graph)} triples")
    times, report = timed(graph, args.runs)
    assert report.conforms, report.render("text")
    print(line("alone", times, report))
    if args.against_store:
        from cqpi_graph.store import open_store

        with open_store(args.store) as store:
            times, report = timed(graph, args.runs, against_store=store)
            print(f"store: {getattr(store, 'location', '')} ({store.count():,} quads)")
        assert report.conforms, report.render("text")
        print(line("against the store", times, report))
        for note in report.notes:
            print("  " + note)
    if args.shacl:
        times, report = timed(graph, min(args.runs, 3), engine="shacl")
        print(line("pyshacl, every shape", times, report))


if __name__ == "__main__":
    main()
