"""Search: /search?q=… (HTML, or JSON by Accept / format=json) and /search/suggest (autocomplete)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from cqpi_graph.namespaces import CQ, ID

from ..graph import holder, labels, lang
from ..links import resource_url
from ..security import wants_json
from .index import TYPE_IRIS, TYPES, Entry, get_index

bp = Blueprint("search", __name__, template_folder="templates")

FILTER_TYPES = [
    "Certification",
    "CQPI",
    "CQPM",
    "CQP",
    "Diplome",
    "TitreProfessionnel",
    "HabilitationRS",
    "BlocDeCompetences",
    "Branche",
    "Organisation",
    "MetierROME",
    "Competence",
]
SUBTYPES = {
    # Every certification class of the index, most specific first, up to cq:Certification.
    "Certification": TYPES[: TYPES.index("Certification") + 1],
    "CQP": ["CQP", "CQPM", "CQPI"],
    "Diplome": ["Diplome", "CAP", "BEP", "BacPro", "BP", "BTS", "MentionComplementaire"],
    "Organisation": ["Organisation", "CPNE", "OPCO", "Federation", "Certificateur"],
    "Competence": ["Competence", "Capacite"],
}


def _entry_json(e: Entry, names: dict[str, str]) -> dict:
    return {
        "iri": e.iri,
        "url": resource_url(e.iri),
        "label": e.label(lang()),
        "type": names.get(e.type, e.type.rsplit("#", 1)[-1]),
        "typeIri": e.type,
        "code": e.codes[0] if e.codes else None,
        "codes": e.codes,
        "level": e.level,
        "active": e.active,
    }


def _params() -> dict:
    t = request.args.get("type", "").strip()
    types = None
    if t:
        types = []
        for name in t.split(","):
            name = name.strip().removeprefix("cq:").removeprefix(CQ)
            types += [CQ + s for s in SUBTYPES.get(name, [name])]
    level = request.args.get("level", "").strip() or None
    if level and level.isdigit():
        level = f"{ID}niveau/{level}"
    branch = request.args.get("branch", "").strip() or None
    act = request.args.get("active", "").strip().lower()
    active = (
        True if act in ("1", "true", "oui", "yes") else False if act in ("0", "false", "non", "no") else None
    )
    return {"types": types, "level": level, "branch": branch, "active": active}


@bp.get("/search/suggest")
def suggest():  # noqa: ANN201
    q = request.args.get("q", "")[:200]
    index = get_index(holder())
    total, found = index.search(q, limit=10, **_params()) if q.strip() else (0, [])
    names = labels(TYPE_IRIS)
    return jsonify({"query": q, "total": total, "results": [_entry_json(e, names) for e in found]})


@bp.get("/search")
def search():  # noqa: ANN201
    q = request.args.get("q", "")[:200]
    params = _params()
    index = get_index(holder())
    try:
        limit = max(1, min(int(request.args.get("limit", 100)), 500))
    except ValueError:
        limit = 100
    filtered = any(v is not None for v in params.values())
    total, found = index.search(q, limit=limit, **params) if (q.strip() or filtered) else (0, [])
    names = labels(TYPE_IRIS + [e.level for e in found if e.level])
    results = [_entry_json(e, names) for e in found]
    if request.args.get("format") == "json" or wants_json():
        return jsonify({"query": q, "total": total, "results": results})
    # Filter menus
    levels = [f"{ID}niveau/{n}" for n in range(1, 9)]
    branches = sorted(e.iri for e in index.entries.values() if CQ + "Branche" in e.types)
    names.update(labels(levels + branches))
    for r in results:
        r["levelLabel"] = names.get(r["level"]) if r["level"] else None
    return render_template(
        "search/search.html",
        q=q,
        total=total,
        results=results,
        type_options=[(t, names.get(CQ + t, t)) for t in FILTER_TYPES],
        level_options=[(lv, names[lv]) for lv in levels],
        branch_options=sorted(((b, names[b]) for b in branches), key=lambda x: x[1].lower()),
        sel={
            "type": request.args.get("type", ""),
            "level": params["level"] or "",
            "branch": params["branch"] or "",
            "active": request.args.get("active", ""),
        },
        alternates=[
            {
                "type": "application/json",
                "name": "JSON",
                "href": request.full_path.rstrip("?")
                + ("&" if request.query_string else "?")
                + "format=json",
            }
        ],
    )
