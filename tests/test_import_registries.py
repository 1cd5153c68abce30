"""BCN, kit, ROME and ESCO imports: counts against the files themselves, successions, reconciliation."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from cqpi_graph.build import build
from cqpi_graph.importers import import_bcn
from cqpi_graph.importers.bcn import GRAPH as BCN_GRAPH
from cqpi_graph.importers.bcn import bcn_code
from cqpi_graph.importers.esco import GRAPH as ESCO_GRAPH
from cqpi_graph.importers.kit import GRAPH as KIT_GRAPH
from cqpi_graph.importers.rome import GRAPH as ROME_GRAPH
from cqpi_graph.namespaces import Graphs
from cqpi_graph.store import Store, open_store, store_writer

BCN = "https://w3id.org/cqpi/id/bcn/"
CERT = "https://w3id.org/cqpi/id/cert/"


def rows(path: Path, delimiter: str, encoding: str = "utf-8") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def count(store: Store, query: str) -> int:
    return int(store.select(query)[0]["n"].value)


def count_in(store: Store, graph: str, pattern: str, what: str = "DISTINCT ?s") -> int:
    """COUNT(what) of the solutions of `pattern` in `graph`."""
    return count(store, f"SELECT (COUNT({what}) AS ?n) WHERE {{ GRAPH <{graph}> {{ {pattern} }} }}")


# ---------------------------------------------------------------- BCN


def test_bcn_counts(full_store: Store, shared_data: Path) -> None:
    data = rows(shared_data / "bcn/N_FORMATION_DIPLOME.csv", ";", "latin-1")
    assert count_in(full_store, BCN_GRAPH, "?d a cq:Diplome ; cq:bcnCode ?c", "DISTINCT ?d") == len(data)
    by_level = Counter(r["NIVEAU_FORMATION_DIPLOME"] for r in data)
    for typ, niveau in (("CAP", "500"), ("BAC_PRO", "400"), ("BTS", "320")):
        pattern = f"?d cq:certificationType <https://w3id.org/cqpi/id/type/{typ}>"
        n = count_in(full_store, BCN_GRAPH, pattern, "DISTINCT ?d")
        assert n == by_level[niveau], typ
    assert by_level["500"] == 789 and by_level["400"] == 338


def test_bcn_diploma_details(full_store: Store) -> None:
    assert full_store.ask(f"""ASK {{ GRAPH <{BCN_GRAPH}> {{ <{BCN}50022003> a cq:CAP ;
        cq:level <https://w3id.org/cqpi/id/niveau/3> ; cq:eqfLevel <http://data.europa.eu/snb/eqf/3> ;
        cq:specialtyGroup <https://w3id.org/cqpi/id/nsf/220> ;
        cq:startDate "1994-02-17"^^xsd:date ; cq:endDate "2004-08-31"^^xsd:date ;
        rdfs:label "EXPLOITATION D'INSTALLATIONS INDUSTRIELLES (CAP)"@fr }} }}""")


def test_bcn_succession_from_50022003(full_store: Store) -> None:
    successors = set(full_store.values(f"SELECT ?x WHERE {{ <{BCN}50022003> cq:replacedBy+ ?x }}"))
    direct = {BCN + c for c in ("50022134", "50025007", "50024128", "50024129", "50022358", "50022610")}
    assert direct <= successors
    assert BCN + "50020101" in successors  # CAP Conducteur d'installations de production
    assert full_store.ask(f"""ASK {{ ?s a cq:Succession ; cq:fromCertification <{BCN}50022003> ;
        cq:toCertification <{BCN}50022134> }}""")


def test_bcn_reconciles_with_curated_resource(tmp_path: Path, shared_data: Path) -> None:
    """A curated diploma and its BCN record are one resource (same IRI), never two."""
    loc = tmp_path / "store"
    build(loc)
    curated = b"""@prefix cq: <https://w3id.org/cqpi/def#> .
    @prefix bcn: <https://w3id.org/cqpi/id/bcn/> .
    bcn:50022003 a cq:CAP ; cq:bcnCode "50022003" ; cq:graduatesCount 300 ."""
    with store_writer(loc) as store:
        store.load(curated, "turtle", Graphs.CURATED)
        import_bcn(store, shared_data / "bcn/N_FORMATION_DIPLOME.csv")
    with open_store(loc) as store:
        holders = store.values('SELECT DISTINCT ?d WHERE { ?d cq:bcnCode "50022003" }')
        assert holders == [BCN + "50022003"]
        graphs = set(store.values(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{BCN}50022003> ?p ?o }} }}"))
        assert {Graphs.CURATED, BCN_GRAPH} <= graphs


def test_curated_diplomas_are_bcn_records(full_store: Store) -> None:
    """Whatever curated diploma has a BCN code is the same IRI as its BCN record."""
    rows_ = full_store.select("""SELECT ?d ?code WHERE { GRAPH <https://w3id.org/cqpi/graph/curated> {
        ?d cq:bcnCode ?code } }""")
    for r in rows_:
        assert r["d"].value == BCN + r["code"].value


# ---------------------------------------------------------------- kit


def test_kit_every_crosswalk_row(full_store: Store, shared_data: Path) -> None:
    """One directed correspondence statement per row, with its row; never an identity by itself."""
    data = rows(shared_data / "kit/kit-apprentissage-rncp-v3.0.csv", ";")
    pairs = {(bcn_code(r["Code Diplôme"]), r["FicheRNCP"]) for r in data if r["FicheRNCP"].startswith("RNCP")}
    got = {
        (r["b"].value.rsplit("/", 1)[1], r["c"].value.rsplit("/", 1)[1])
        for r in full_store.select(
            f"""SELECT ?b ?c WHERE {{ GRAPH <{KIT_GRAPH}> {{ ?b a cq:Diplome ; cq:identifierCorrespondsTo ?c .
            ?s a cq:CorrespondanceIdentifiants ; cq:fromCertification ?b ; cq:toCertification ?c ;
               cq:sourceRow ?row ; prov:wasDerivedFrom ?src . ?c cq:rncpCode ?code }} }}"""
        )
    }
    assert got == pairs
    assert len(data) == 5546  # CSV records (5,551 physical lines: one quoted label spans six lines)
    assert not full_store.ask(f"ASK {{ GRAPH <{KIT_GRAPH}> {{ ?a cq:sameCertification ?b }} }}")
    # the kit's ACTIVE/INACTIVE column is the fiche's status as the kit knows it
    assert full_store.ask(f"ASK {{ GRAPH <{KIT_GRAPH}> {{ ?c cq:active false }} }}")


def test_catalog_merges_only_one_to_one_rows_that_agree(full_store: Store) -> None:
    """The catalog's rule: a row one-to-one both ways, titles and levels agreeing."""
    catalog = Graphs.CATALOG
    notes = dict(
        (r["b"].value.rsplit("/", 1)[1], r["n"].value)
        for r in full_store.select(f"""SELECT ?b ?n WHERE {{ ?s a cq:CorrespondanceIdentifiants ;
            cq:fromCertification ?b . GRAPH <{catalog}> {{ ?s cq:samenessNote ?n }} }}""")
    )
    assert "la fiche correspond à 4 codes" in notes["32032610"]  # BTS SIO option A
    merged = full_store.select(f"SELECT ?a ?b WHERE {{ GRAPH <{catalog}> {{ ?a cq:sameCertification ?b }} }}")
    assert merged and all(r["a"].value.startswith((BCN, CERT)) for r in merged)
    # CAP Agent vérificateur d'appareils extincteurs: one row each way, titles and levels agree
    assert full_store.ask(f"""ASK {{ GRAPH <{catalog}> {{
        <{BCN}50025133> cq:sameCertification <{CERT}RNCP509> }} }}""")


# ---------------------------------------------------------------- ROME


def test_rome_every_job_code(full_store: Store, shared_data: Path) -> None:
    codes = {r["code_rome"] for r in rows(shared_data / "rome/unix_referentiel_code_rome_v460_utf8.csv", ",")}
    got = set(
        full_store.values(f"""SELECT ?c WHERE {{ GRAPH <{ROME_GRAPH}> {{
        ?j a cq:MetierROME ; skos:notation ?c ; skos:prefLabel ?l }} }}""")
    )
    assert got == codes and len(codes) == 1584
    assert full_store.ask("ASK { <https://w3id.org/cqpi/id/rome/H2102> a cq:MetierROME ; skos:altLabel ?a }")


def test_rome_items_and_links(full_store: Store, shared_data: Path) -> None:
    d = shared_data / "rome"
    comp = rows(d / "unix_referentiel_competence_v460_utf8.csv", ",")
    sav = rows(d / "unix_referentiel_savoir_v460_utf8.csv", ",")
    coh = rows(d / "unix_coherence_item_v460_utf8.csv", ",")
    competences = count_in(full_store, ROME_GRAPH, "?c a cq:Competence", "DISTINCT ?c")
    assert competences == len({r["code_ogr"] for r in comp})
    savoirs = count_in(full_store, ROME_GRAPH, "?c a cq:Savoir", "DISTINCT ?c")
    assert savoirs == len({r["code_ogr_savoir"] for r in sav})
    items = "?j cq:romeSavoirFaire|cq:romeSavoirEtre|cq:romeSavoir|cq:romeWorkContext ?i"
    links = count_in(full_store, ROME_GRAPH, items, "*")
    assert links == len({(r["code_rome"], r["code_ogr"]) for r in coh})
    core = count_in(full_store, ROME_GRAPH, "?j cq:romeCoreItem ?i", "*")
    assert core == len({(r["code_rome"], r["code_ogr"]) for r in coh if r["coeur_metier"] == "Principale"})
    assert full_store.ask(
        f"ASK {{ GRAPH <{ROME_GRAPH}> {{ ?j cq:romeSavoirEtre ?i . ?i a cq:Competence }} }}"
    )
    assert full_store.ask(f"ASK {{ GRAPH <{ROME_GRAPH}> {{ ?j cq:romeBloc ?b . ?b cq:hasItem ?i }} }}")
    assert full_store.ask(f"ASK {{ GRAPH <{ROME_GRAPH}> {{ ?t a skos:Collection ; skos:member ?j }} }}")


# ---------------------------------------------------------------- ESCO


def test_esco_counts(full_store: Store, shared_data: Path) -> None:
    d = shared_data / "esco"
    skills = rows(d / "skills_fr.csv", ",")
    occ = rows(d / "occupations_fr.csv", ",")
    broader = rows(d / "broaderRelationsSkillPillar.csv", ",")
    in_pillar = "?s a <http://data.europa.eu/esco/model#Skill> ; skos:inScheme <http://data.europa.eu/esco/concept-scheme/skills>"
    assert count_in(full_store, ESCO_GRAPH, in_pillar) == len(skills)
    assert count_in(full_store, ESCO_GRAPH, "?s a <http://data.europa.eu/esco/model#Occupation>") == len(occ)
    pairs = {(r["conceptUri"], r["broaderUri"]) for r in broader}
    to_skills = '?a skos:broader ?b FILTER(STRSTARTS(STR(?b), "http://data.europa.eu/esco/skill/"))'
    assert count_in(full_store, ESCO_GRAPH, to_skills, "*") == len(pairs)
    first = skills[0]
    assert full_store.ask(
        f"""ASK {{ <{first["conceptUri"]}> skos:prefLabel "{first["preferredLabel"]}"@fr }}"""
    )


def test_every_source_has_provenance(full_store: Store) -> None:
    for source in ("rncp", "bcn", "kit", "rome", "esco"):
        g = Graphs.imported(source)
        assert full_store.ask(f"""ASK {{ GRAPH <{Graphs.META}> {{
            <{g}> dct:source ?s ; prov:wasGeneratedBy ?a .
            ?s cq:fileName ?f ; cq:sha256 ?sha . ?a prov:startedAtTime ?t }} }}"""), source


def test_bcn_self_succession_is_reported_not_linked(tmp_path: Path, shared_data: Path) -> None:
    """The BCN lists 50022426 as its own successor: a warning, never a succession cycle."""
    path = tmp_path / "store"
    build(path)
    with store_writer(path) as store:
        report = import_bcn(store, shared_data / "bcn" / "N_FORMATION_DIPLOME.csv")
    assert any("50022426" in w.message and "propre" in w.message for w in report.warnings)
    store = open_store(path)
    assert not store.ask("ASK { ?x cq:replacedBy ?x }")
    assert not store.ask("ASK { ?x cq:successor ?x }")
