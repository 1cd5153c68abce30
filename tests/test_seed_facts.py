"""Acceptance tests of the curated seed facts (data/*.ttl).

Each test runs SPARQL against the built store through the ``sparql`` fixture provided by
tests/conftest.py: ``sparql(query) -> list[dict[str, str]]`` (lexical values; default graph = union
of all named graphs, inferred triples included; usual prefixes predeclared).

Sources: seed 000 = Céreq « Bref » 2000 on the CQPM CSPA; seed 004 = slides « Certificat de
Qualification Professionnelle Interbranches : bilan, état des lieux » (September 2012).
"""

ID = "https://w3id.org/cqpi/id/"
CURATED = "https://w3id.org/cqpi/graph/curated"
SEED0 = ID + "source/seed-000"
SEED4 = ID + "source/seed-004"


def one(rows):
    assert len(rows) == 1, rows
    return rows[0]


def values(rows, var):
    return {r[var] for r in rows if var in r}


# ----------------------------------------------------------------------------- 0. sources


def test_sources_described(sparql):
    r = one(
        sparql(f"""
        SELECT ?title ?issued ?publisher ?type ?lang WHERE {{
          <{SEED0}> dct:title ?title ; dct:issued ?issued ; dct:publisher ?publisher ;
                    dct:type ?type ; dct:language ?lang ; rdfs:label ?l .
          FILTER(langMatches(lang(?l), "fr"))
        }}""")
    )
    assert "L'exemple d'un certificat de qualification paritaire de la métallurgie" in r["title"]
    assert r["issued"] == "2000"
    assert r["publisher"] == ID + "org/cereq"
    authors = values(sparql(f"SELECT ?n WHERE {{ <{SEED0}> dct:creator/foaf:name ?n }}"), "n")
    assert authors == {"Elsa Personnaz", "Patrick Veneau"}

    r = one(
        sparql(f"""
        SELECT ?title ?date WHERE {{
          <{SEED4}> dct:title ?title ; dct:date ?date ; dct:type ?t ; dct:language ?lang .
        }}""")
    )
    assert r["title"] == "Certificat de Qualification Professionnelle Interbranches : bilan, état des lieux"
    assert r["date"].startswith("2012-09")

    r = one(sparql(f"SELECT ?d WHERE {{ <{ID}source/decret-2015-172> dct:date ?d ; dct:title ?t }}"))
    assert r["d"] == "2015-02-13"


def test_every_curated_resource_has_a_source(sparql):
    rows = sparql(f"""
        SELECT DISTINCT ?s WHERE {{
          GRAPH <{CURATED}> {{
            ?s ?p ?o .
            FILTER(isIRI(?s))
            FILTER(!STRSTARTS(STR(?s), "{ID}source/"))
            FILTER NOT EXISTS {{ ?s dct:source ?src }}
          }}
        }}""")
    assert rows == []
    # and every dct:source of a curated resource is a described source document
    rows = sparql(f"""
        SELECT DISTINCT ?src WHERE {{
          GRAPH <{CURATED}> {{ ?s dct:source ?src . FILTER NOT EXISTS {{ ?src dct:title ?t }} }}
        }}""")
    assert rows == []


def test_every_curated_resource_has_a_french_label(sparql):
    rows = sparql(f"""
        SELECT DISTINCT ?s WHERE {{
          GRAPH <{CURATED}> {{
            ?s a ?type .
            FILTER NOT EXISTS {{ ?s rdfs:label ?l . FILTER(langMatches(lang(?l), "fr")) }}
          }}
        }}""")
    assert rows == []


# ----------------------------------------------------------------------------- 1. the nine CQPI

EXPECTED_CQPI = {
    "CEI": "Conducteur d'équipements industriels",
    "AL": "Agent logistique",
    "OMI": "Opérateur de maintenance industrielle",
    "TMI": "Technicien de maintenance industrielle",
    "OQ": "Opérateur qualité",
    "TQ": "Technicien de la qualité",
    "AE": "Animateur d'équipe domaine industriel",
    "VCm": "Vente / Conseil en magasin",
    "VCad": "Vente / Conseil à distance",
}


def test_nine_cqpi(sparql):
    rows = sparql("""
        SELECT DISTINCT ?c ?abbr ?label WHERE {
          ?c a cq:CQPI ; cq:abbreviation ?abbr ; cq:certificationType <https://w3id.org/cqpi/id/type/CQPI> ;
             rdfs:label ?label .
          FILTER(langMatches(lang(?label), "fr"))
          FILTER(STRSTARTS(STR(?c), "https://w3id.org/cqpi/id/cqpi/"))
        }""")
    assert len({r["c"] for r in rows}) == 9
    got = {r["abbr"]: r["label"] for r in rows}
    assert got == EXPECTED_CQPI
    for r in rows:
        assert r["c"] == ID + "cqpi/" + r["abbr"]
    # each CQPI belongs to the CQPI scheme and is sourced to seed 004
    rows = sparql(f"""
        SELECT ?c WHERE {{ ?c a cq:CQPI ; cq:scheme <{ID}dispositif/cqpi> ; dct:source <{SEED4}> }}""")
    assert len(values(rows, "c")) == 9


def test_cqpi_counts_six_existing_and_nine_operational(sparql):
    # both figures of the slide « 6 CQPI existants » / « 9 CQPI opérationnels » are kept
    r = one(sparql(f"SELECT ?n WHERE {{ <{ID}dispositif/cqpi> cq:operationalCQPICount ?n }}"))
    assert r["n"] == "9"
    counts = {
        r["cat"]: r["n"]
        for r in sparql(f"""
        SELECT ?cat ?n WHERE {{
          ?o qb:dataSet <{ID}dataset/cqpi-chiffres-cles-2012> ; cq:category ?cat ; cq:count ?n .
        }}""")
    }
    assert counts[ID + "categorie/cqpi-existants"] == "6"
    assert counts[ID + "categorie/cqpi-operationnels"] == "9"


# ----------------------------------------------------------------------------- 2. branches

EXPECTED_BRANCHES = {
    "Chaussure": {"FFC"},
    "Commerce": {"FCD"},
    "Habillement": {"UFIH"},
    "Médicament": {"LEEM"},
    "Métallurgie": {"UIMM"},
    "Papiers carton": {"UNIDIS"},
    "Tannerie Mégisserie": {"FFTM"},
    "Textile": {"UIT"},
    "Vente à distance": {"VAD"},
    "Ameublement": {"UNIFA"},
    "Grands magasins et magasins populaires": {"UCV"},
    "Caoutchouc": {"SNCP"},
    "Agroalimentaire": {"Alliance 7"},
    "Maroquinerie": {"FFM"},
    "Entretien Textile": {"FFPB", "GEIST"},
    "PRISME (partenaire)": {"PRISME"},
}


def test_sixteen_branches_and_federations(sparql):
    rows = sparql("""
        SELECT ?b ?bl ?fl WHERE {
          ?b a cq:Branche ; skos:prefLabel ?bl ; cq:representedBy ?f .
          ?f a cq:Federation ; skos:prefLabel ?fl .
        }""")
    assert len(values(rows, "b")) >= 16
    got = {}
    for r in rows:
        got.setdefault(r["bl"], set()).add(r["fl"])
    for branch, feds in EXPECTED_BRANCHES.items():
        assert got.get(branch) == feds, branch
    rows = sparql(f"SELECT ?b WHERE {{ <{ID}dispositif/cqpi> cq:branch ?b . ?b a cq:Branche }}")
    assert len(values(rows, "b")) == 16


def test_branch_adhesion_status(sparql):
    adherents = sparql(f"""
        SELECT DISTINCT ?b WHERE {{ ?b a cq:Branche ; cq:adheresTo ?c . ?c a cq:Charte .
                                   FILTER(STRSTARTS(STR(?b), "{ID}branche/")) }}""")
    assert len(adherents) == 13
    rows = sparql("""
        SELECT ?l ?by ?status WHERE {
          ?b a cq:Branche ; skos:prefLabel ?l ; cq:expectedBy ?by ; cq:adhesionStatus ?status .
        }""")
    assert {r["l"] for r in rows} == {"Maroquinerie", "Entretien Textile"}
    assert all(r["by"] == "2012" and "fin 2012" in r["status"] for r in rows)
    r = one(
        sparql(f"""
        SELECT ?note WHERE {{
          <{ID}branche/prisme> cq:partnershipNote ?note .
          <{ID}dispositif/cqpi> cq:partnerBranch <{ID}branche/prisme> ; cq:partner <{ID}org/prisme> .
        }}""")
    )
    assert r["note"] == "par convention de certaines branches"


def test_cqpi_adoption_only_where_sourced(sparql):
    # adoptions come from the arrêté of 20 January 2014, one sourced statement each
    rows = sparql(f"SELECT ?c ?b WHERE {{ GRAPH <{CURATED}> {{ ?c a cq:CQPI ; cq:adoptedBy ?b }} }}")
    stated = sparql(f"""SELECT ?c ?b WHERE {{ GRAPH <{CURATED}> {{ ?a a cq:Adoption ;
        cq:adoptedCertification ?c ; cq:adoptingBranch ?b ; cq:deliveringBody ?o ;
        dct:source <{ID}source/jorf-arrete-2014-01-20> }} }}""")
    assert {(r["c"], r["b"]) for r in rows} == {(r["c"], r["b"]) for r in stated}
    assert len({r["c"] for r in rows}) == 9
    # the round table's CEI / Métallurgie is a hint with its caveat, not an adoption
    assert (ID + "cqpi/CEI", ID + "branche/metallurgie") not in {(r["c"], r["b"]) for r in rows}
    hint = sparql(f"""SELECT ?caveat WHERE {{ GRAPH <{CURATED}> {{ ?h a rdf:Statement ;
        rdf:subject <{ID}cqpi/CEI> ; rdf:object <{ID}branche/metallurgie> ; cq:caveat ?caveat }} }}""")
    assert any("ne dit pas" in h["caveat"] for h in hint)


# ----------------------------------------------------------------------------- 3. charter, ANI, tools


def test_charter_2006(sparql):
    r = one(
        sparql(f"""
        SELECT ?signed ?n WHERE {{
          <{ID}texte/charte-cqpi-2006> a cq:Charte ; cq:signedOn ?signed ; cq:signatoryCount ?n .
        }}""")
    )
    assert r["signed"] == "2006-01" and r["n"] == "4"
    principles = values(sparql(f"SELECT ?p WHERE {{ <{ID}texte/charte-cqpi-2006> cq:principle ?p }}"), "p")
    assert {
        "Analyse besoins et activité",
        "Référentiel de compétences avec indicateurs",
        "Existence d'outils et méthodes pertinents",
        "Adhésion des branches à la charte à partir d'un avis favorable paritaire",
    } <= principles


def test_charter_2012(sparql):
    c = f"<{ID}texte/charte-paritaire-cqpi-2012>"
    r = one(sparql(f"SELECT ?d WHERE {{ {c} a cq:Charte ; dct:date ?d }}"))
    assert r["d"] == "2012-09-24"
    bases = values(sparql(f"SELECT ?b WHERE {{ {c} cq:basedOn ?b }}"), "b")
    assert {ID + "texte/ani-2009-10-05-art-127", ID + "texte/charte-cqpi-2006"} <= bases
    elems = values(sparql(f"SELECT ?e WHERE {{ {c} cq:constituentElement ?e }}"), "e")
    assert elems == {
        "Élaboration d'un référentiel d'activités",
        "Élaboration d'un référentiel d'évaluation",
        "Mise en place d'outils et de méthode pour répondre aux exigences d'évaluation et de suivi",
        "Être délivré paritairement",
    }
    commitments = values(sparql(f"SELECT ?e WHERE {{ {c} cq:branchCommitment ?e }}"), "e")
    assert commitments == {
        "Mise en commun des CQP dès qu'un CQPI est envisagé",
        "Le titulaire d'un CQPI ne passe que les modules complémentaires spécifiques à la branche",
        "Reconnaissance interne des CQPI",
        "La CPNE est garante du respect des engagements",
    }
    r = one(
        sparql(f"""
        SELECT ?pol ?tech ?from ?g WHERE {{
          {c} cq:politicalBody ?pol ; cq:technicalBody ?tech ; cq:guarantor ?g .
          ?pol cq:emanatesFrom ?from . ?g a cq:CPNE .
        }}""")
    )
    assert r["pol"] == ID + "org/coc" and r["from"] == ID + "org/cpnfp"
    assert r["tech"] == ID + "org/comite-national-cqpi"


def test_ani_articles(sparql):
    rows = sparql("""
        SELECT ?n ?text ?ani WHERE {
          ?a a cq:ArticleAccord ; cq:articleNumber ?n ; cq:text ?text ; dct:isPartOf ?ani .
          ?ani a cq:Accord ; dct:date ?d . FILTER(STR(?d) = "2009-10-05")
        }""")
    texts = {r["n"]: r["text"] for r in rows}
    assert set(texts) == {"127", "160"}
    assert "la reconnaissance commune ou mutuelle, par plusieurs branches professionnelles" in texts["127"]
    assert "les OPCA peuvent contribuer au financement de l'ingénierie de certification" in texts["127"]
    assert (
        "Le Comité Observatoires et Certifications favorisera la mise en place de certifications communes de type CQP interbranches"
        in texts["160"]
    )
    assert "la définition d'un socle de compétences" in texts["160"]
    assert "notamment celui de la CNCP" in texts["160"]


def test_three_tools(sparql):
    rows = sparql(f"""
        SELECT ?t ?order ?purpose WHERE {{
          <{ID}dispositif/cqpi> cq:tool ?t . ?t a cq:OutilMethodologique ; cq:order ?order ; cq:purpose ?purpose .
        }} ORDER BY ?order""")
    assert [r["purpose"] for r in rows] == [
        "S'informer",
        "Adhérer à la démarche CQPI",
        "Mettre en œuvre la démarche CQPI",
    ]
    note = f"<{ID}outil/note-preconisations>"
    obj = values(sparql(f"SELECT ?o WHERE {{ {note} cq:objective ?o }}"), "o")
    assert "meilleures lisibilité, accessibilité et articulations des certifications professionnelles" in obj
    refs = values(
        sparql(
            f"SELECT ?r WHERE {{ {note} dct:references ?r ; cq:basedOn <{ID}texte/ani-2009-10-05-art-160> }}"
        ),
        "r",
    )
    assert ID + "org/fpspp" in refs


# ----------------------------------------------------------------------------- 4. key figures, timeline


def test_key_figures(sparql):
    rows = sparql(f"""
        SELECT ?cat ?p ?n ?label WHERE {{
          ?o a qb:Observation ; qb:dataSet <{ID}dataset/cqpi-chiffres-cles-2012> ; cq:category ?cat ; rdfs:label ?label .
          OPTIONAL {{ ?o cq:percentage ?p }} OPTIONAL {{ ?o cq:count ?n }}
        }}""")
    by = {r["cat"].rsplit("/", 1)[1]: r for r in rows}
    assert by["cqpi-attribues"]["n"] == "10000"
    assert round(float(by["cqpi-plus-de-45-ans"]["p"])) == 33
    assert round(float(by["cqpi-premiere-certification"]["p"])) == 67
    assert round(float(by["cqpi-par-rae"]["p"])) == 33
    r = one(sparql(f"SELECT ?n WHERE {{ <{ID}dispositif/cqpi> cq:awardedCount ?n }}"))
    assert r["n"] == "10000"


def test_milestones(sparql):
    rows = sparql(f"""
        SELECT ?date ?branches ?ops ?awarded ?extra WHERE {{
          <{ID}dispositif/cqpi> a cq:DispositifCertification ; cq:milestone ?j .
          ?j a cq:Jalon ; cq:date ?date ; cq:branchCount ?branches ; cq:operationalCQPICount ?ops .
          OPTIONAL {{ ?j cq:awardedCount ?awarded }} OPTIONAL {{ ?j cq:expectedAdditionalBranches ?extra }}
        }} ORDER BY ?date""")
    got = [(r["date"], r["branches"], r["ops"], r.get("awarded"), r.get("extra")) for r in rows]
    assert got == [
        ("2006-01", "4", "1", None, None),
        ("2009-07", "12", "7", "3000", None),
        ("2012-09", "14", "9", "10000", "3"),
    ]
    events = values(sparql(f"SELECT ?e WHERE {{ <{ID}jalon/cqpi-2009-07> cq:event ?e }}"), "e")
    assert events == {"Le CQP Inter-industries devient Inter-branches"}


# ----------------------------------------------------------------------------- 5. référentiel CEI


def test_referentiel_cei_parts(sparql):
    r = one(
        sparql(f"""
        SELECT ?a ?c ?e ?proc WHERE {{
          <{ID}cqpi/CEI> cq:hasReferentiel ?ref .
          ?ref a cq:Referentiel ; cq:activitiesPart ?a ; cq:competencesPart ?c ; cq:evaluationPart ?e .
          ?e cq:evaluationProcess ?proc . ?proc a cq:ProcessusEvaluation .
        }}""")
    )
    assert r["proc"] == ID + "processus/cqpi-evaluation-acquis"
    acts = sparql(f"SELECT ?act WHERE {{ <{r['a']}> cq:hasActivity ?act . ?act a cq:Activite }}")
    assert len(acts) >= 3


def test_referentiel_cei_capacites(sparql):
    rows = sparql(f"""
        SELECT ?cap ?order ?label ?act ?cond WHERE {{
          <{ID}referentiel/cqpi-CEI> cq:competencesPart/cq:hasCompetence ?cap .
          ?cap a cq:Capacite ; cq:order ?order ; rdfs:label ?label ; cq:activity ?act ; cq:condition ?c .
          ?act a cq:Activite . ?c a cq:ConditionRealisation ; rdfs:label ?cond .
          FILTER(langMatches(lang(?label), "fr")) FILTER(langMatches(lang(?cond), "fr"))
        }} ORDER BY ?order""")
    assert [r["order"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["label"] == "Approvisionner et préparer les installations, machines et accessoires"
    assert rows[1]["label"].startswith("Poursuivre une production, à la prise de poste")
    assert rows[2]["label"] == (
        "Régler et mettre en production (lancement ou changement de production) selon les "
        "indications du document de réglage, du dossier machine et du manuel de poste"
    )
    assert all(
        r["cond"] == "Les ordres de fabrication, les documents de production, les procédures et "
        "instructions sont mis à disposition."
        for r in rows
    )


def test_expected_results_of_capacite_1(sparql):
    # Capacité 1 states three observable results (the seed's first paragraph holds two).
    rows = sparql(f"""
        SELECT ?label WHERE {{
          <{ID}competence/cqpi-CEI-1> cq:expectedResult ?r . ?r a cq:ResultatAttendu ; rdfs:label ?label ; cq:order ?o .
          FILTER(lang(?label) = "fr")
        }} ORDER BY ?o""")
    assert [r["label"] for r in rows] == [
        "Conformité des matières ou produits approvisionnés par rapport aux prescriptions correctement vérifiée "
        "à l'entrée du système de production (Quantité, qualité, caractéristiques requises,..).",
        "Les écarts sont identifiés rapidement, signalés et/ou corrigés selon les prérogatives.",
        "Vérification de la présence des outils, outillages et accessoires, moyens de contrôle nécessaires à la "
        "vérification de la conformité de la production nécessaires à la production effectuée méthodiquement.",
    ]
    counts = {
        r["cap"]: r["n"]
        for r in sparql(f"""
        SELECT ?cap (COUNT(DISTINCT ?r) AS ?n) WHERE {{
          ?cap a cq:Capacite ; cq:expectedResult ?r . FILTER(STRSTARTS(STR(?cap), "{ID}competence/cqpi-CEI-"))
        }} GROUP BY ?cap""")
    }
    assert counts == {
        ID + "competence/cqpi-CEI-1": "3",
        ID + "competence/cqpi-CEI-2": "3",
        ID + "competence/cqpi-CEI-3": "3",
    }


# ----------------------------------------------------------------------------- 6. evaluation process


def test_evaluation_process(sparql):
    proc = f"<{ID}processus/cqpi-evaluation-acquis>"
    rows = sparql(f"""
        SELECT ?order ?label WHERE {{
          {proc} cq:step ?s . ?s a cq:EtapeEvaluation ; cq:order ?order ; rdfs:label ?label .
          FILTER(langMatches(lang(?label), "fr"))
        }} ORDER BY ?order""")
    assert [r["label"] for r in rows] == [
        "Décision CPNE de mise en place CQPI",
        "Référentiel métier",
        "Méthode d'évaluation (PMQ)",
        "Bilan positionnement / analyse des écarts",
        "Formation",
        "Seconde évaluation",
        "Jury CPNE",
        "Attribution du CQPI",
    ]

    def step(slug: str) -> str:
        return ID + "etape/" + slug

    r = one(
        sparql(f"""
        SELECT ?ready ?notready WHERE {{
          <{step("cqpi-04-bilan-positionnement")}> cq:nextStepIfReady ?ready ; cq:nextStepIfNotReady ?notready .
        }}""")
    )
    assert r["ready"] == step("cqpi-07-jury-cpne") and r["notready"] == step("cqpi-05-formation")
    # not-ready path: formation -> seconde évaluation -> jury -> attribution
    r = one(
        sparql(f"""
        SELECT ?end WHERE {{
          <{step("cqpi-05-formation")}> cq:nextStep <{step("cqpi-06-seconde-evaluation")}> .
          <{step("cqpi-06-seconde-evaluation")}> cq:nextStep <{step("cqpi-07-jury-cpne")}> .
          <{step("cqpi-07-jury-cpne")}> cq:nextStep ?end .
        }}""")
    )
    assert r["end"] == step("cqpi-08-attribution")
    methods = values(
        sparql(f"SELECT ?m WHERE {{ <{step('cqpi-03-methode-evaluation')}> cq:evaluationMethod ?m }}"), "m"
    )
    assert methods == {
        ID + "modalite/" + m for m in ("livret-activite", "questionnement", "observation-poste", "entretien")
    }


# ----------------------------------------------------------------------------- 7. CQPM CSPA


def test_cqpm_cspa(sparql):
    cspa = f"<{ID}cqpm/CSPA>"
    r = one(
        sparql(f"""
        SELECT ?label ?year ?coef ?gridlabel ?levelname ?min ?max ?holders WHERE {{
          {cspa} a cq:CQPM ; rdfs:label ?label ; cq:creationYear ?year ;
                 cq:classification ?pos ; cq:trainingDurationMinMonths ?min ; cq:trainingDurationMaxMonths ?max ;
                 cq:holdersCount ?holders ; cq:certificationType <{ID}type/CQPM> .
          ?pos a cq:PositionClassification ; cq:coefficient ?coef ; cq:grid ?grid ; cq:qualificationLevelName ?levelname .
          ?grid a cq:Grille ; rdfs:label ?gridlabel .
          FILTER(langMatches(lang(?label), "fr")) FILTER(langMatches(lang(?gridlabel), "fr"))
        }}""")
    )
    assert r["label"] == "Conduite de systèmes de production automatisée"
    assert r["year"] == "1989" and r["coef"] == "170"
    assert "convention collective nationale de la métallurgie" in r["gridlabel"]
    assert "premier niveau" in r["levelname"] and "ouvrier qualifié" in r["levelname"]
    assert (r["min"], r["max"], r["holders"]) == ("6", "8", "764")
    sectors = values(sparql(f"SELECT ?l WHERE {{ {cspa} cq:sector ?s . ?s skos:prefLabel ?l }}"), "l")
    assert sectors == {
        "Construction automobile",
        "Construction électrique et électronique",
        "Équipement automobile",
    }
    routes = values(sparql(f"SELECT ?v WHERE {{ {cspa} cq:accessRoute ?v }}"), "v")
    assert routes == {ID + "voie/contrat-qualification", ID + "voie/plan-formation"}
    r = one(
        sparql(f"""
        SELECT ?opca WHERE {{
          {cspa} cq:branch ?b ; cq:deliveredBy ?cpne ; cq:specialtyGroup ?grp .
          ?b cq:servedBy ?opca ; cq:hasCPNE ?cpne . ?cpne a cq:CPNE .
        }}""")
    )
    assert r["opca"] == ID + "org/opcaim"


def test_other_cqpm_and_1988_decree(sparql):
    rows = sparql("""
        SELECT ?l WHERE { ?c a cq:CQPM ; skos:prefLabel ?l ; dct:dateSubmitted ?y . FILTER(STR(?y) = "1996") }""")
    assert values(rows, "l") == {
        "Conduite de systèmes de production automatisée",
        "Technicien qualité",
        "Technicien conception assistée par ordinateur",
        "Assistant(e) de direction d'une PME-PMI",
    }
    r = one(
        sparql("""
        SELECT ?desc WHERE { ?d a cq:Decret ; dct:date ?y ; dct:description ?desc . FILTER(STR(?y) = "1988") }""")
    )
    assert "« jugées comme prioritaires pour des contrats de qualification »" in r["desc"]


# ----------------------------------------------------------------------------- 8. diplomas


def test_diplomas(sparql):
    rows = sparql("""
        SELECT ?d ?code ?type ?level ?n ?year WHERE {
          ?d cq:bcnCode ?code ; cq:certificationType ?type ; cq:level ?level ;
             cq:graduatesCount ?n ; cq:countYear ?year .
        }""")
    got = {
        r["code"]: (
            r["d"].rsplit("/", 1)[1],
            r["type"].rsplit("/", 1)[1],
            r["level"].rsplit("/", 1)[1],
            r["n"],
            r["year"],
        )
        for r in rows
    }
    assert got == {
        "50022003": ("50022003", "CAP", "3", "300", "1998"),
        "40020101": ("40020101", "BAC_PRO", "4", "250", "1998"),
        "40025501": ("40025501", "BAC_PRO", "4", "6000", "1998"),
    }
    assert len(sparql(f"SELECT ?x WHERE {{ <{ID}bcn/50022003> a cq:CAP }}")) == 1
    assert (
        len(sparql(f"SELECT ?x WHERE {{ <{ID}bcn/40020101> a cq:BacPro . <{ID}bcn/40025501> a cq:BacPro }}"))
        == 1
    )
    notes = values(sparql(f"SELECT ?n WHERE {{ <{ID}bcn/50022003> cq:countNote ?n }}"), "n")
    assert notes == {"hors apprentissage"}


# ----------------------------------------------------------------------------- 9. proximity


def test_proximity_not_recognition(sparql):
    cspa = ID + "cqpm/CSPA"
    close = values(sparql(f"SELECT ?d WHERE {{ <{cspa}> cq:closeTo ?d }}"), "d")
    assert close == {ID + "bcn/50022003", ID + "bcn/40020101"}
    rows = sparql(f"""
        SELECT ?to ?note WHERE {{
          ?p a cq:ProximiteContenu ; cq:fromCertification <{cspa}> ; cq:toCertification ?to ;
             cq:scopeNote ?note ; dct:source <{SEED0}> .
        }}""")
    assert values(rows, "to") == close
    assert all("très général" in r["note"] for r in rows)
    # never a recognition
    assert sparql(f"SELECT ?x WHERE {{ <{cspa}> cq:recognitionLink ?x }}") == []
    assert sparql("SELECT ?p WHERE { ?p a cq:ProximiteContenu , cq:Reconnaissance }") == []


# ----------------------------------------------------------------------------- 10. Céreq survey (Data Cube)


def test_cereq_dataset_structure(sparql):
    ds = f"<{ID}dataset/cereq-1999-cspa>"
    r = one(
        sparql(f"""
        SELECT ?date ?creator ?desc WHERE {{
          {ds} a qb:DataSet ; dct:date ?date ; dct:creator ?creator ; dct:description ?desc ;
               cq:surveyedCertification <{ID}cqpm/CSPA> ; dct:source <{SEED0}> .
        }}""")
    )
    assert r["date"] == "1999-06" and r["creator"] == ID + "org/cereq"
    assert "40 %" in r["desc"] and "une vingtaine d'entreprises" in r["desc"]
    dims = values(sparql(f"SELECT ?d WHERE {{ {ds} qb:structure/qb:component/qb:dimension ?d }}"), "d")
    assert {
        "https://w3id.org/cqpi/def#population",
        "https://w3id.org/cqpi/def#timePoint",
        "https://w3id.org/cqpi/def#category",
    } <= dims
    measures = values(sparql(f"SELECT ?m WHERE {{ {ds} qb:structure/qb:component/qb:measure ?m }}"), "m")
    assert "https://w3id.org/cqpi/def#percentage" in measures
    surveyed = sparql(f"SELECT ?c WHERE {{ {ds} cq:surveyedCertification ?c . ?c a cq:CQPM }}")
    assert len(surveyed) == 4


def test_cereq_observations(sparql):
    ds = f"<{ID}dataset/cereq-1999-cspa>"
    r = one(sparql(f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a qb:Observation ; qb:dataSet {ds} }}"))
    assert r["n"] == "54"
    # every observation: French label, source, all dimensions, a value in a concept scheme
    rows = sparql(f"""
        SELECT ?o WHERE {{
          ?o qb:dataSet {ds} .
          FILTER NOT EXISTS {{
            ?o rdfs:label ?l ; dct:source <{SEED0}> ; cq:population ?p ; cq:timePoint ?t ; cq:category ?c .
            ?p skos:inScheme ?s1 . ?t skos:inScheme ?s2 . ?c skos:inScheme ?s3 .
            FILTER(langMatches(lang(?l), "fr"))
          }}
        }}""")
    assert rows == []

    def obs(pop, moment, cat):
        rows = sparql(f"""
            SELECT ?v WHERE {{
              ?o qb:dataSet {ds} ; cq:population <{ID}population/{pop}> ; cq:timePoint <{ID}moment/{moment}> ;
                 cq:category <{ID}categorie/{cat}> .
              {{ ?o cq:percentage ?v }} UNION {{ ?o cq:count ?v }}
            }}""")
        return float(one(rows)["v"])

    cq_, plan = "cspa-contrat-qualification", "cspa-plan-formation"
    assert obs(cq_, "issue-cqpm", "embauche-entreprise-contrat") == 81
    assert obs(cq_, "issue-cqpm", "embauche-entreprise-contrat-cdi") == 67
    assert [
        obs(cq_, "issue-cqpm", c) for c in ("salarie-autre-entreprise", "service-national", "chomage")
    ] == [12, 1, 5]
    assert [
        obs(cq_, "trois-ans-et-demi-apres", c)
        for c in (
            "salarie-entreprise-contrat",
            "salarie-autre-entreprise",
            "chomage",
            "reprise-etudes",
            "inactif",
        )
    ] == [71, 24, 4, 1, 1]
    assert [
        obs(cq_, "avant-contrat", c)
        for c in ("chomage", "en-emploi", "emploi-autre-entreprise", "emploi-entreprise-contrat")
    ] == [26, 56, 35, 21]
    assert [obs(cq_, "issue-cqpm", c) for c in ("conducteurs", "agents-fabrication", "manoeuvres-os")] == [
        12,
        56,
        54,
    ]
    assert [
        obs(cq_, "trois-ans-et-demi-apres", c)
        for c in ("ouvriers-specialises", "conducteurs", "conducteur-coordonateur-animateur")
    ] == [16, 22, 5]
    assert obs(plan, "preparation-cqpm", "secteur-equipement-automobile") == 62
    assert [
        obs(plan, "preparation-cqpm", c)
        for c in ("sans-diplome-ou-fin-scolarite", "anciennete-15-ans-et-plus", "anciennete-moins-5-ans")
    ] == [62, 43, 28]
    assert [obs(plan, m, "ouvrier-non-qualifie") for m in ("embauche", "avant-cqpm", "apres-cqpm")] == [
        80,
        60,
        30,
    ]
    assert [
        obs(plan, m, "conducteurs-coordinateurs") for m in ("avant-cqpm", "apres-cqpm", "date-enquete")
    ] == [18, 35, 58]
    # chart « Évolution des niveaux de qualification »
    assert [
        obs(plan, m, "manoeuvres-os") for m in ("embauche", "avant-cqpm", "apres-cqpm", "date-enquete")
    ] == [80, 59, 31, 8]
    assert [
        obs(plan, m, "ouvriers-qualifies") for m in ("embauche", "avant-cqpm", "apres-cqpm", "date-enquete")
    ] == [18, 38, 61, 77]
    assert obs(plan, "date-enquete", "techniciens-atelier") == 9
    assert [obs(p, "date-enquete", "titulaires") for p in ("cspa-ensemble", cq_, plan)] == [764, 390, 374]
    assert obs("cspa-ensemble", "date-enquete", "interroges") == 40


# ----------------------------------------------------------------------------- 11. CléA

CLEA_DOMAINS = [
    "La communication en français",
    "L'utilisation des règles de base de calcul et du raisonnement mathématique",
    "L'utilisation des techniques usuelles de l'information et de la communication numérique",
    "L'aptitude à travailler dans le cadre de règles définies d'un travail en équipe",
    "L'aptitude à travailler en autonomie et à réaliser un objectif individuel",
    "La capacité d'apprendre à apprendre tout au long de la vie",
    "La maîtrise des gestes et postures, et le respect des règles d'hygiène, de sécurité et environnementales élémentaires",
]


def test_clea_seven_domains(sparql):
    r = one(
        sparql(f"""
        SELECT ?c ?label WHERE {{
          ?c a cq:HabilitationRS , cq:Socle ; rdfs:label ?label ; dct:source <{ID}source/decret-2015-172> .
          FILTER(langMatches(lang(?label), "fr"))
        }}""")
    )
    assert r["label"] == "CléA — socle de connaissances et de compétences professionnelles"
    rows = sparql(f"""
        SELECT ?order ?label WHERE {{
          <{r["c"]}> cq:hasCompetence ?d . ?d a cq:DomaineSocle ; cq:order ?order ; rdfs:label ?label .
          FILTER(langMatches(lang(?label), "fr"))
        }} ORDER BY ?order""")
    assert [r["order"] for r in rows] == [str(i) for i in range(1, 8)]
    assert [r["label"] for r in rows] == CLEA_DOMAINS


def test_ani_socle_links_to_clea_only_as_see_also(sparql):
    r = one(
        sparql(f"""
        SELECT ?s ?see WHERE {{
          ?s a cq:Socle ; cq:basedOn <{ID}texte/ani-2009-10-05-art-160> ; rdfs:seeAlso ?see .
        }}""")
    )
    assert r["see"] == ID + "habilitation/CLEA"
    assert sparql(f"SELECT ?x WHERE {{ <{ID}habilitation/CLEA> cq:basedOn ?x }}") == []


# ----------------------------------------------------------------------------- 12. complementary modules rule


def test_complementary_modules_statements(sparql):
    rows = sparql(f"""
        SELECT ?st ?c ?note WHERE {{
          ?st a cq:AccesParModulesComplementaires ; cq:fromCertification ?c ; cq:scopeNote ?note ;
              cq:legalBasis <{ID}texte/charte-paritaire-cqpi-2012> , <{ID}texte/ani-2009-10-05-art-127> ;
              dct:source <{SEED4}> .
          ?c a cq:CQPI .
        }}""")
    assert len(values(rows, "c")) == 9
    assert all("modules complémentaires spécifiques à la branche" in r["note"] for r in rows)
    # the seeds name no target branch CQP
    assert sparql("SELECT ?t WHERE { ?st a cq:AccesParModulesComplementaires ; cq:toCertification ?t }") == []


# ----------------------------------------------------------------------------- 13. table ronde

EXPECTED_PEOPLE = {
    "Jean-François Pilliard": ("uimm", None),
    "Stéphane Lardy": ("fo", None),
    "Emmanuelle Garassino": ("leem", None),
    "Paul Desaigues": ("cgt", None),
    "Eric Muller": (None, None),
    "Benjamin Denis": (None, "AL"),
    "Marie-Laure Larchet": (None, "AL"),
    "Françoise Delplanque": (None, "AE"),
    "Loïc Mathon": (None, "AE"),
    "Nicolas Mounissens": (None, "AE"),
    "Maryse Vergne": (None, "AE"),
    "Patricia Despres": (None, "CEI"),
    "Sophie Lorandel": ("delphi", "CEI"),
}


def test_table_ronde_people(sparql):
    rows = sparql(f"""
        SELECT ?name ?role ?aff ?about WHERE {{
          ?p a cq:Personne ; foaf:name ?name ; cq:role ?role ; dct:source <{SEED4}> .
          OPTIONAL {{ ?p cq:affiliation ?aff }} OPTIONAL {{ ?p cq:speakerAbout ?about }}
        }}""")
    people = {}
    for r in rows:
        d = people.setdefault(r["name"], {"aff": set(), "about": set(), "role": set()})
        d["role"].add(r["role"])
        if "aff" in r:
            d["aff"].add(r["aff"].rsplit("/", 1)[1])
        if "about" in r:
            d["about"].add(r["about"])
    assert set(EXPECTED_PEOPLE) <= set(people)
    for name, (aff, cqpi) in EXPECTED_PEOPLE.items():
        if aff:
            assert aff in people[name]["aff"], name
        if cqpi:
            assert ID + "cqpi/" + cqpi in people[name]["about"], name
    assert {"uimm-35-56", "delphi"} <= people["Sophie Lorandel"]["aff"]
    assert "Délégué général, UIMM" in people["Jean-François Pilliard"]["role"]


# ----------------------------------------------------------------------------- organisations


def test_organisations_classes(sparql):
    expected = {
        "uimm": "Federation",
        "leem": "Federation",
        "fo": "OrganisationSyndicale",
        "cgt": "OrganisationSyndicale",
        "opcaim": "OPCO",
        "cpne-metallurgie": "CPNE",
        "cpnfp": "InstanceParitaire",
        "coc": "InstanceParitaire",
        "comite-national-cqpi": "Organisation",
        "fpspp": "Organisation",
        "cncp": "OrganismePublic",
        "cereq": "OrganismePublic",
        "delphi": "Entreprise",
    }
    for slug, cls in expected.items():
        assert sparql(f"SELECT ?x WHERE {{ <{ID}org/{slug}> a cq:{cls} ; dct:source ?x }}"), slug
