"""Time the validation of one référentiel of about 5,000 triples (not a test).

Generates a complete CQPI référentiel (blocs, capacités with expected results and conditions,
activities, evaluation methods) of the requested size from tests/data/referentiels/valid.ttl's
pattern, then validates it as a new référentiel with each engine, best of N runs.

    PYTHONPATH=$PWD python benchmarks/bench_validate.py [--triples 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import rdflib
from rdflib.namespace import RDF, RDFS, SKOS

from cqpi_graph.validate import validate_referentiel

CQ = rdflib.Namespace("https://w3id.org/cqpi/def#")
ID = "https://w3id.org/cqpi/id/"


def generate(target: int) -> rdflib.Graph:
    g = rdflib.Graph()
    u = lambda path: rdflib.URIRef(ID + path)  # noqa: E731
    fr = lambda text: rdflib.Literal(text, lang="fr")  # noqa: E731
    cert, ref = u("cqpi/BENCH"), u("referentiel/BENCH")
    parts = {k: u(f"referentiel/BENCH-{k}") for k in ("activites", "competences", "evaluation")}
    g.add((cert, RDF.type, CQ.CQPI))
    g.add((cert, RDFS.label, fr("Certification de mesure")))
    g.add((cert, CQ.rncpCode, rdflib.Literal("RNCP99999")))
    g.add((cert, CQ.certificationType, u("type/CQPI")))
    g.add((cert, CQ.level, u("niveau/4")))
    g.add((cert, CQ.deliveredBy, u("org/cpne-bench")))
    g.add((u("org/cpne-bench"), RDF.type, CQ.CPNE))
    for b in ("a", "b"):
        g.add((cert, CQ.adoptedBy, u(f"branche/{b}")))
        g.add((u(f"branche/{b}"), RDF.type, CQ.Branche))
    g.add((cert, CQ.romeJob, u("rome/H2102")))
    g.add((u("rome/H2102"), RDF.type, CQ.MetierROME))
    g.add((u("rome/H2102"), SKOS.notation, rdflib.Literal("H2102")))
    g.add((cert, CQ.hasReferentiel, ref))
    g.add((ref, RDF.type, CQ.Referentiel))
    for key, prop, cls in (
        ("activites", CQ.activitiesPart, CQ.ReferentielActivites),
        ("competences", CQ.competencesPart, CQ.ReferentielCompetences),
        ("evaluation", CQ.evaluationPart, CQ.ReferentielEvaluation),
    ):
        g.add((ref, prop, parts[key]))
        g.add((parts[key], RDF.type, cls))
    g.add((parts["evaluation"], CQ.evaluationMethod, u("modalite/livret-activite")))
    n = 0
    while len(g) < target:
        n += 1
        bloc_n = (n - 1) // 10 + 1
        bloc = u(f"bloc/RNCP99999BC{bloc_n:02d}")
        if (cert, CQ.hasBloc, bloc) not in g:
            g.add((cert, CQ.hasBloc, bloc))
            g.add((bloc, RDF.type, CQ.BlocDeCompetences))
            g.add((bloc, RDFS.label, fr(f"Bloc {bloc_n}")))
            g.add((bloc, CQ.rncpCode, rdflib.Literal(f"RNCP99999BC{bloc_n:02d}")))
            g.add((bloc, CQ.evaluationMethod, u("modalite/observation-poste")))
        cap, act = u(f"competence/BENCH-{n}"), u(f"activite/BENCH-{n}")
        g.add((bloc, CQ.hasCompetence, cap))
        g.add((parts["competences"], CQ.hasCompetence, cap))
        g.add((parts["activites"], CQ.hasActivity, act))
        g.add((act, RDF.type, CQ.Activite))
        g.add((act, RDFS.label, fr(f"Activité {n}")))
        g.add((cap, RDF.type, CQ.Capacite))
        g.add((cap, RDFS.label, fr(f"Capacité {n}")))
        g.add((cap, CQ.activity, act))
        for k in (1, 2, 3):
            res = u(f"resultat/BENCH-{n}-{k}")
            g.add((cap, CQ.expectedResult, res))
            g.add((res, RDF.type, CQ.ResultatAttendu))
            g.add((res, RDFS.label, fr(f"Résultat attendu {n}.{k}, observable et mesurable.")))
        cond = u(f"condition/BENCH-{n}")
        g.add((cap, CQ.condition, cond))
        g.add((cond, RDF.type, CQ.ConditionRealisation))
        g.add((cond, RDFS.label, fr(f"Conditions de réalisation {n}.")))
    return g


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    graph = generate(args.triples)
    validate_referentiel(graph)  # warm-up: shapes, vocabulary, imports
    print(f"référentiel: {len(graph)} triples")
    for engine in ("shacl", "sparql"):
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            report = validate_referentiel(graph, engine=engine)
            times.append(time.perf_counter() - t)
        assert report.conforms and not report.results, report.render("text")
        print(
            f"{engine:>6}: best {min(times):.3f} s, median {statistics.median(times):.3f} s "
            f"({args.runs} runs, {len(report.results)} results)"
        )


if __name__ == "__main__":
    main()
