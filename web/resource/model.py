"""What the resource page shows, gathered with a few SPARQL queries."""

from __future__ import annotations

from collections import defaultdict

from cqpi_graph.namespaces import CQ, GRAPH, RDF, Graphs
from cqpi_graph.store import Row, Term

from ..graph import labels, select
from ..links import view_iri, view_term

CERT_CLASSES = {
    CQ + c
    for c in (
        "Certification",
        "CQP",
        "CQPI",
        "CQPM",
        "Diplome",
        "CAP",
        "BacPro",
        "BEP",
        "BP",
        "BTS",
        "TitreProfessionnel",
        "TitreCertifie",
        "HabilitationRS",
    )
}
HIDDEN_TYPES = {"http://www.w3.org/2002/07/owl#Thing", "http://www.w3.org/2000/01/rdf-schema#Resource"}


def _iris(rows: list[Row]) -> list[str]:
    return [t.value for r in rows for t in r.values() if t.kind == "uri"]


def _col(rows: list[Row], var: str) -> list[str]:
    return list(dict.fromkeys(r[var].value for r in rows if var in r and r[var].kind == "uri"))


def _lits(rows: list[Row], var: str) -> list[Term]:
    return [r[var] for r in rows if var in r and r[var].kind == "literal"]


def short_graph(g: str) -> str:
    return g[len(GRAPH) :] if g.startswith(GRAPH) else g


def describe(iri: str) -> dict:
    s = f"<{iri}>"
    out_rows = select(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {s} ?p ?o }} }} LIMIT 3000")
    in_rows = select(f"SELECT ?x ?p ?g WHERE {{ GRAPH ?g {{ ?x ?p {s} }} }} LIMIT 1000")
    types_rows = [r for r in out_rows if r["p"].value == RDF + "type" and r["o"].kind == "uri"]
    asserted_types = {r["o"].value for r in types_rows if r["g"].value != Graphs.INFERRED}
    all_types = {r["o"].value for r in types_rows}
    is_cert = bool(all_types & CERT_CLASSES)

    def objs(*props: str) -> list[str]:
        wanted = {CQ + p if ":" not in p else p for p in props}
        return list(
            dict.fromkeys(r["o"].value for r in out_rows if r["p"].value in wanted and r["o"].kind == "uri")
        )

    def lits(*props: str) -> list[Term]:
        wanted = {CQ + p if ":" not in p else p for p in props}
        seen, res = set(), []
        for r in out_rows:
            if r["p"].value in wanted and r["o"].kind == "literal" and r["o"] not in seen:
                seen.add(r["o"])
                res.append(r["o"])
        return res

    d: dict = {"iri": iri, "is_cert": is_cert}
    d["types"] = sorted(asserted_types or all_types - HIDDEN_TYPES)
    d["codes"] = lits(
        "code",
        "rncpCode",
        "bcnCode",
        "idcc",
        "siret",
        "abbreviation",
        "http://www.w3.org/2004/02/skos/core#notation",
    )
    d["descriptions"] = lits(
        "http://purl.org/dc/terms/description",
        "http://www.w3.org/2004/02/skos/core#definition",
        "http://www.w3.org/2000/01/rdf-schema#comment",
        "purpose",
    )
    d["alt_labels"] = lits(
        "http://www.w3.org/2004/02/skos/core#altLabel", "http://purl.org/dc/terms/alternative"
    )
    d["level"] = objs("level")
    d["eqf"] = objs("eqfLevel")
    d["active"] = [t.value for t in lits("active")]
    d["certifiers"] = objs("certifier", "deliveredBy", "createdBy")
    d["branches"] = objs("branch", "adoptedBy")
    d["partner_branches"] = objs("partnerBranch", "partner")
    d["rome"] = objs("romeJob")
    d["replaces"] = objs("replaces", "predecessor")
    d["replaced_by"] = objs("replacedBy", "successor")
    d["close_to"] = objs("closeTo")
    d["bloc_of"] = objs("blocOf")

    # Blocs and their competences
    bloc_rows = select(f"""SELECT ?b ?c ?code WHERE {{ {s} cq:hasBloc ?b .
        OPTIONAL {{ ?b cq:hasCompetence ?c }} OPTIONAL {{ ?b skos:notation ?code }} }}""")
    comp_rows = select(f"""SELECT ?c WHERE {{ {s} cq:hasCompetence ?c }}""")
    # Référentiel: activities; capacités with expected results and conditions
    act_rows = select(f"""SELECT DISTINCT ?a ?order WHERE {{
        {{ {s} cq:hasReferentiel/cq:hasPart*/cq:hasActivity ?a }} UNION {{ {s} cq:hasActivity ?a }}
        OPTIONAL {{ ?a cq:order ?order }} }}""")
    cap_rows = select(f"""SELECT DISTINCT ?c ?order ?er ?cond ?act WHERE {{
        {{ {s} cq:hasReferentiel/cq:hasPart*/cq:hasCompetence ?c }}
        UNION {{ {s} (cq:hasBloc)?/cq:hasCompetence ?c }}
        {{ ?c cq:expectedResult ?er }} UNION {{ ?c cq:condition ?cond }} UNION {{ ?c cq:activity ?act }}
        UNION {{ ?c cq:order ?order }} }}""")
    ref_rows = select(
        f"""SELECT ?r ?part WHERE {{ {s} cq:hasReferentiel ?r OPTIONAL {{ ?r cq:hasPart ?part }} }}"""
    )
    # Recognitions (reified statements) in and out
    reco_rows = select(f"""SELECT ?r ?role ?t ?p ?o WHERE {{
        {{ ?r cq:toCertification|cq:toBloc {s} BIND("in" AS ?role) }}
        UNION {{ ?r cq:fromCertification|cq:fromBloc {s} BIND("out" AS ?role) }}
        ?r a ?t . FILTER EXISTS {{ {{ ?t rdfs:subClassOf* cq:Reconnaissance }}
                                   UNION {{ ?t rdfs:subClassOf* cq:ProximiteContenu }} }}
        ?r ?p ?o }}""")
    # Shared competences with other certifications (same competence, declared match or computed alignment)
    # The certification's own competences first: in one query with the rest, Oxigraph starts from
    # every competence of the graph (2.8 s at 500 fiches with ROME/ESCO, for an empty answer).
    own = (
        _col(
            select(f"""SELECT DISTINCT ?c WHERE {{
            {s} (cq:hasBloc)?/cq:hasCompetence|cq:hasReferentiel/cq:hasPart*/cq:hasCompetence ?c }}"""),
            "c",
        )
        if is_cert
        else []
    )
    shared_rows = (
        select(f"""SELECT ?other (COUNT(DISTINCT ?c) AS ?n) (SAMPLE(?via) AS ?how) WHERE {{
        VALUES ?c {{ {" ".join(f"<{c}>" for c in own)} }}
        {{ ?other (cq:hasBloc)?/cq:hasCompetence ?c BIND("same" AS ?via) }}
        UNION {{ ?c cq:competenceAlignedWith|skos:exactMatch|skos:closeMatch ?c2 .
                 ?other (cq:hasBloc)?/cq:hasCompetence ?c2 BIND("aligned" AS ?via) }}
        ?other a cq:Certification FILTER(?other != {s})
    }} GROUP BY ?other ORDER BY DESC(?n) LIMIT 30""")
        if own
        else []
    )

    # Labels in one batch
    graph_iris = sorted({r["g"].value for r in out_rows + in_rows})
    meta_rows = (
        select(
            f"""SELECT ?g ?p ?o WHERE {{ GRAPH <{Graphs.META}> {{
            VALUES ?g {{ {" ".join(f"<{x}>" for x in graph_iris)} }}
            ?g ?p ?o }} }}"""
        )
        if graph_iris
        else []
    )
    labels(
        _iris(out_rows)
        + _iris(in_rows)
        + _iris(bloc_rows)
        + _iris(comp_rows)
        + _iris(act_rows)
        + _iris(cap_rows)
        + _iris(reco_rows)
        + _iris(shared_rows)
        + _iris(meta_rows)
        + _iris(ref_rows)
    )

    d["blocs"] = []
    blocs: dict[str, dict] = {}
    for r in bloc_rows:
        b = r["b"].value
        entry = blocs.setdefault(
            b, {**view_iri(b), "code": r["code"].value if "code" in r else "", "competences": []}
        )
        if "c" in r and r["c"].value not in [c["iri"] for c in entry["competences"]]:
            entry["competences"].append(view_iri(r["c"].value))
    d["blocs"] = sorted(blocs.values(), key=lambda b: (b["code"], b["label"]))
    d["competences"] = [view_iri(i) for i in _col(comp_rows, "c")]

    def order_key(item: dict) -> tuple:
        try:
            return (float(item.get("order") or 1e9), item["label"])
        except ValueError:
            return (1e9, item["label"])

    d["activities"] = sorted(
        (
            {**view_iri(r["a"].value), "order": r["order"].value if "order" in r else None}
            for r in act_rows
            if r["a"].kind == "uri"
        ),
        key=order_key,
    )
    caps: dict[str, dict] = {}
    for r in cap_rows:
        c = r["c"].value
        e = caps.setdefault(
            c, {**view_iri(c), "order": None, "results": [], "conditions": [], "activities": []}
        )
        if "order" in r:
            e["order"] = r["order"].value
        for var, key in (("er", "results"), ("cond", "conditions"), ("act", "activities")):
            if var in r:
                v = view_term(r[var])
                if v not in e[key]:
                    e[key].append(v)
    d["capacities"] = sorted(caps.values(), key=order_key)
    d["referentiels"] = [view_iri(i) for i in _col(ref_rows, "r") + _col(ref_rows, "part")]

    recos: dict[str, dict] = {}
    for r in reco_rows:
        rid = r["r"].value
        e = recos.setdefault(
            rid, {**view_iri(rid), "role": r["role"].value, "types": set(), "props": defaultdict(list)}
        )
        e["types"].add(r["t"].value)
        key = r["p"].value
        v = view_term(r["o"])
        if v not in e["props"][key]:
            e["props"][key].append(v)
    rec_in, rec_out, prox = [], [], []
    for e in recos.values():
        types = e["types"] - {CQ + "Reconnaissance"}
        e["type_views"] = [view_iri(t) for t in sorted(types or e["types"])]
        p = e["props"]
        e["from"] = p.get(CQ + "fromCertification", []) + p.get(CQ + "fromBloc", [])
        e["to"] = p.get(CQ + "toCertification", []) + p.get(CQ + "toBloc", [])
        e["granted"] = p.get(CQ + "grantsBloc", [])
        e["remaining"] = p.get(CQ + "remainingBloc", [])
        e["legal"] = p.get(CQ + "legalBasis", [])
        e["direction"] = p.get(CQ + "direction", [])
        e["scope"] = p.get(CQ + "scopeNote", [])
        e["score"] = p.get(CQ + "similarityScore", [])
        e["source"] = p.get("http://purl.org/dc/terms/source", [])
        if CQ + "ProximiteContenu" in e["types"]:
            prox.append(e)
        elif e["role"] == "in":
            rec_in.append(e)
        else:
            rec_out.append(e)
    d["recognitions_in"] = sorted(rec_in, key=lambda e: e["label"])
    d["recognitions_out"] = sorted(rec_out, key=lambda e: e["label"])
    d["proximity"] = prox
    d["shared"] = [
        {**view_iri(r["other"].value), "n": int(r["n"].value), "how": r["how"].value if "how" in r else ""}
        for r in shared_rows
        if r["other"].kind == "uri"
    ]

    # Every statement with its named graph (provenance)
    stmts = []
    for r in out_rows:
        stmts.append(
            {
                "p": view_iri(r["p"].value),
                "o": view_term(r["o"]),
                "g": r["g"].value,
                "g_short": short_graph(r["g"].value),
            }
        )
    stmts.sort(key=lambda x: (x["p"]["label"].lower(), x["o"]["label"].lower(), x["g"]))
    d["statements"] = stmts
    incoming = []
    for r in in_rows:
        incoming.append(
            {
                "x": view_term(r["x"]),
                "p": view_iri(r["p"].value),
                "g": r["g"].value,
                "g_short": short_graph(r["g"].value),
            }
        )
    incoming.sort(key=lambda x: (x["p"]["label"].lower(), x["x"]["label"].lower()))
    d["incoming"] = incoming
    meta: dict[str, dict] = {
        g: {"iri": g, "short": short_graph(g), "props": defaultdict(list)} for g in graph_iris
    }
    for r in meta_rows:
        meta[r["g"].value]["props"][view_iri(r["p"].value)["label"]].append(view_term(r["o"]))
    d["graphs"] = list(meta.values())
    d["type_views"] = [view_iri(t) for t in d["types"]]
    d["related_certs"] = []
    if not is_cert:
        cert_in = select(f"""SELECT DISTINCT ?x WHERE {{ ?x ?p {s} . ?x a cq:Certification }} LIMIT 300""")
        d["related_certs"] = sorted(
            (view_iri(i) for i in _col(cert_in, "x")), key=lambda v: v["label"].lower()
        )
    for key in (
        "level",
        "eqf",
        "certifiers",
        "branches",
        "partner_branches",
        "rome",
        "replaces",
        "replaced_by",
        "close_to",
        "bloc_of",
    ):
        d[key] = [view_iri(i) for i in d[key]]
    d["codes"] = [t.value for t in d["codes"]]
    d["codes"] = list(dict.fromkeys(d["codes"]))
    return d
