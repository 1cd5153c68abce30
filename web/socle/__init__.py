"""Socle explorer: several certifications (or a branch) → shared competences and a pairwise overlap
heatmap; computed alignments on or off. Uses cqpi_graph.socle when present; without it, only
competences that are the same resource or declared equivalent (skos:exactMatch) are compared."""

from __future__ import annotations

from itertools import combinations

from flask import Blueprint, jsonify, render_template, request

from ..graph import iri_ok, labels, select, store
from ..links import resource_url, view_iri, view_iris
from ..optional import function, module, plain
from ..security import wants_json

bp = Blueprint("socle", __name__, template_folder="templates")

COMP_PATH = "(cq:hasBloc)?/cq:hasCompetence|cq:hasReferentiel/cq:hasPart*/cq:hasCompetence"


def declared_socle(certs: list[str], computed: bool) -> dict:
    """Competences per certification, same resource or declared match (and computed alignment)."""
    values = " ".join(f"<{c}>" for c in certs)
    rows = select(f"SELECT DISTINCT ?cert ?c WHERE {{ VALUES ?cert {{ {values} }} ?cert {COMP_PATH} ?c }}")
    comps: dict[str, set[str]] = {c: set() for c in certs}
    for r in rows:
        comps[r["cert"].value].add(r["c"].value)
    links = "skos:exactMatch" + ("|cq:competenceAlignedWith" if computed else "")
    all_c = {c for s in comps.values() for c in s}
    canon: dict[str, str] = {c: c for c in all_c}
    if all_c:
        vals = " ".join(f"<{c}>" for c in all_c)
        for r in select(f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {vals} }} ?a {links} ?b }}"):
            a, b = r["a"].value, r["b"].value
            if b in canon:
                ra, rb = canon[a], canon[b]
                root = min(ra, rb)
                for k, v in canon.items():
                    if v in (ra, rb):
                        canon[k] = root
    sets = {cert: {canon[c] for c in cs} for cert, cs in comps.items()}
    shared = set.intersection(*sets.values()) if sets else set()
    pairs = []
    for x, y in combinations(certs, 2):
        inter, union = sets[x] & sets[y], sets[x] | sets[y]
        pairs.append(
            {"a": x, "b": y, "shared": len(inter), "jaccard": len(inter) / len(union) if union else 0.0}
        )
    return {"sizes": {c: len(s) for c, s in sets.items()}, "shared": sorted(shared), "pairs": pairs}


def _shared_view(c) -> dict:  # noqa: ANN001
    """A shared competence, from the library (dict with key/label/code/basis) or an IRI."""
    if isinstance(c, str):
        return {**view_iri(c), "basis": ""}
    key = str(c.get("key") or c.get("iri") or "")
    text = " ".join(x for x in (c.get("code") or "", c.get("label") or "") if x) or key
    href = resource_url(key) if key.startswith("http") and iri_ok(key) else None
    return {"iri": key, "label": text, "href": href, "basis": str(c.get("basis") or "")}


def branch_certs(branch: str) -> list[str]:
    rows = select(
        f"SELECT DISTINCT ?c WHERE {{ ?c cq:branch|cq:adoptedBy <{branch}> ; a cq:Certification }} LIMIT 40"
    )
    return [r["c"].value for r in rows]


@bp.get("/socle")
def explorer():  # noqa: ANN201
    certs = [c for c in request.args.getlist("cert") if iri_ok(c)][:20]
    branch = request.args.get("branch", "").strip()
    computed = request.args.get("computed") in ("1", "on", "true")
    if branch and iri_ok(branch):
        certs = list(dict.fromkeys(certs + branch_certs(branch)))
    mod = module("socle")
    lib = function(mod, "socle", "shared_socle", "compute_socle")
    ctx: dict = {
        "certs": view_iris(certs),
        "branch": view_iri(branch) if branch and iri_ok(branch) else None,
        "computed": computed,
        "library": lib is not None,
        "error": None,
        "result": None,
    }
    if len(certs) >= 2:
        try:
            result = None
            if lib is not None:
                try:
                    result = plain(lib(store(), certs, min_share=None, computed=computed))
                except TypeError:
                    result = None
            if not isinstance(result, dict) or "pairs" not in result:
                result = declared_socle(certs, computed)
            axis = [c["iri"] if isinstance(c, dict) else c for c in result.get("certifications", [])] or certs
            shared = [_shared_view(c) for c in result.get("shared", [])]
            names = labels(axis)
            lookup = {(p["a"], p["b"]): p for p in result["pairs"]}
            matrix = []
            for x in axis:
                row = []
                for y in axis:
                    p = lookup.get((x, y)) or lookup.get((y, x))
                    row.append(
                        None if x == y or p is None else {**p, "jaccard": float(p.get("jaccard") or 0)}
                    )
                matrix.append({"cert": view_iri(x, names), "cells": row})
            ctx["certs"] = view_iris(axis)
            ctx["result"] = {
                "shared": shared,
                "matrix": matrix,
                "pairs": result["pairs"],
                "sizes": result.get("sizes", {}),
                "notes": result.get("notes", []),
            }
        except Exception as exc:  # noqa: BLE001
            ctx["error"] = str(exc)
    if request.args.get("format") == "json" or wants_json():
        res = ctx["result"] or {}
        return jsonify(
            {
                "certifications": certs,
                "computed": computed,
                "shared": [s["iri"] if isinstance(s, dict) else s for s in res.get("shared", [])],
                "pairs": res.get("pairs", []),
                "error": ctx["error"],
            }
        )
    branches = select("SELECT DISTINCT ?b WHERE { ?b a cq:Branche } LIMIT 300")
    ctx["branch_options"] = view_iris([r["b"].value for r in branches if r["b"].kind == "uri"])
    ctx["resource_url"] = resource_url
    return render_template("socle/socle.html", **ctx)
