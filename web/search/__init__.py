"""Search: /search?q=… — one URL, three representations: the page (HTML), JSON (Accept or
format=json: a page of results with the facet counts) and CSV (Accept: text/csv or format=csv:
every result, up to CSV_MAX rows). /search/suggest is the autocomplete.

Parameters: q, family (certification, bloc, branch, job, organisation, competence), kind (CQPM,
BTS…: the class and its subclasses), level (1-8), status (active, inactive, unknown), branch,
certifier, nsf (IRIs), page, per_page; `type` and `active` of the first version still work.
`literal=1` searches the words of q as text even when they name a kind.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from flask import Blueprint, Response, g, jsonify, render_template, request

from cqpi_graph.namespaces import CQ, ID
from cqpi_graph.search import FACET_DIMS, Filters, SearchIndex, SearchPage

from ..graph import holder, lang
from ..links import resource_url
from ..security import wants_json
from .index import get_index

bp = Blueprint("search", __name__, template_folder="templates")

CSV_MAX = 10_000
PER_PAGE = 20
# `type=` of the first version: a family, or a kind (with its subclasses)
TYPE_FAMILIES = {
    "Certification": "certification",
    "BlocDeCompetences": "bloc",
    "Branche": "branch",
    "Organisation": "organisation",
    "MetierROME": "job",
    "Competence": "competence",
}
STATUS_WORDS = {"1": "active", "true": "active", "oui": "active", "yes": "active"}
STATUS_WORDS |= {"0": "inactive", "false": "inactive", "non": "inactive", "no": "inactive"}


def _values(name: str) -> list[str]:
    out: list[str] = []
    for raw in request.args.getlist(name):
        out += [v.strip() for v in raw.split(",") if v.strip()]
    return out


def filters_from_request() -> Filters:
    f = Filters(
        family=_values("family"),
        kinds=_values("kind"),
        status=_values("status"),
        branch=_values("branch"),
        certifier=_values("certifier"),
        nsf=_values("nsf"),
    )
    for t in _values("type"):
        name = t.removeprefix("cq:").removeprefix(CQ)
        if name in TYPE_FAMILIES:
            f.family.append(TYPE_FAMILIES[name])
        else:
            f.kinds.append(name)
    for lv in _values("level"):
        tail = lv.rsplit("/", 1)[-1]
        if tail.isdigit():
            f.level.append(tail)
    for a in _values("active"):
        if a.lower() in STATUS_WORDS:
            f.status.append(STATUS_WORDS[a.lower()])
    return f


def _int(name: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(int(request.args.get(name, default)), high))
    except ValueError:
        return default


def _hit_json(index: SearchIndex, hit: dict, lg: str) -> dict:
    return {
        **hit,
        "url": resource_url(hit["iri"]),
        "type": index.name(hit["kind"], lg) if hit["family"] == "certification" else hit["kind"],
        "typeIri": CQ + hit["kind"],
        "levelIri": f"{ID}niveau/{hit['level']}" if hit["level"] else None,
    }


def run_search(per_page: int) -> tuple[SearchIndex, SearchPage]:
    q = request.args.get("q", "")[:200]
    index = get_index(holder())
    result = index.search(
        q,
        filters_from_request(),
        page=_int("page", 1, 1, 10_000),
        per_page=per_page,
        lang=lang(),
        read_kinds=request.args.get("literal") not in ("1", "true"),
    )
    return index, result


def _wants_csv() -> bool:
    if request.args.get("format") == "csv":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "text/csv"])
    return best == "text/csv" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _csv(index: SearchIndex, result: SearchPage) -> Response:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["rank", "code", "label", "family", "kind", "level", "status", "iri", "url"])
    for i, h in enumerate(result.hits, start=1):
        d = _hit_json(index, h.to_dict(), lang())
        w.writerow(
            [i, d["code"] or "", d["label"], d["family"], d["type"], d["level"] or "", d["status"] or ""]
            + [d["iri"], request.host_url.rstrip("/") + d["url"]]
        )
    resp = Response(out.getvalue(), mimetype="text/csv")
    resp.headers["Content-Type"] = "text/csv; charset=utf-8"
    resp.headers["Content-Disposition"] = 'attachment; filename="cqpi-search.csv"'
    resp.vary.add("Accept")
    return resp


@bp.get("/search/suggest")
def suggest():  # noqa: ANN201
    q = request.args.get("q", "")[:200]
    index = get_index(holder())
    found = index.suggest(q, 10, lang(), filters_from_request()) if q.strip() else None
    results = [_hit_json(index, h.to_dict(), lang()) for h in found.hits] if found else []
    return jsonify({"query": q, "total": found.total if found else 0, "results": results})


def _url(**changes: object) -> str:
    """This search with some parameters changed (None removes one); back to page 1."""
    parts = dict(_encoded_args())
    for k, v in changes.items():
        if v is None:
            parts.pop(k, None)
        else:
            parts[k] = urlencode({k: str(v)})
    return request.path + ("?" + "&".join(parts.values()) if parts else "")


def _encoded_args() -> dict[str, str]:
    """Each parameter of this search URL-encoded, once per request (a page links every facet
    value: each link changes one parameter)."""
    found = g.get("search_args")
    if found is None:
        found = g.search_args = {
            k: urlencode({k: request.args.getlist(k)}, doseq=True)
            for k in request.args
            if k not in ("page", "format")
        }
    return found


def _facet_links(result: SearchPage, f: Filters) -> list[dict]:
    """Each facet with its values: count, label, the URL that adds or removes the value."""
    selected = {
        "family": f.family,
        "kind": f.kinds,
        "level": f.level,
        "status": f.status,
        "branch": f.branch,
        "certifier": f.certifier,
        "nsf": f.nsf,
    }
    out = []
    for dim in FACET_DIMS:
        counts = result.facets.get(dim, [])
        if not counts:
            continue
        values = []
        for c in counts[:30]:
            on = c.value in selected[dim]
            href = _url(**{dim: None if on else c.value})
            values.append({"value": c.value, "label": c.label, "count": c.count, "on": on, "href": href})
        out.append({"dim": dim, "values": values, "more": max(0, len(counts) - 30)})
    return out


@bp.get("/search")
def search():  # noqa: ANN201
    csv_wanted = _wants_csv()
    per_page = CSV_MAX if csv_wanted else _int("per_page", _int("limit", PER_PAGE, 1, 200), 1, 200)
    index, result = run_search(per_page)
    if csv_wanted:
        return _csv(index, result)
    lg = lang()
    data = result.to_dict()
    data["results"] = [_hit_json(index, h, lg) for h in data["results"]]
    if request.args.get("format") == "json" or wants_json():
        return jsonify(data)
    f = filters_from_request()
    here = request.full_path.rstrip("?") + ("&" if request.query_string else "?")
    json_href, csv_href = here + "format=json", here + "format=csv"
    return render_template(
        "search/search.html",
        q=request.args.get("q", "")[:200],
        result=result,
        results=data["results"],
        facets=_facet_links(result, f),
        kind_label=index.name(result.kind, lg) if result.kind else None,
        literal_href=_url(literal=1) if result.kind else None,
        prev_href=_url(page=result.page - 1) if result.page > 1 else None,
        next_href=_url(page=result.page + 1) if result.page < result.pages else None,
        csv_href=csv_href,
        alternates=[
            {"type": "application/json", "name": "JSON", "href": json_href},
            {"type": "text/csv", "name": "CSV", "href": csv_href},
        ],
    )
