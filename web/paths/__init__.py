"""Path explorer: from/to with autocomplete, the path drawn as SVG with what remains to pass at each
step, alternatives, and `reach` from one certification. Uses cqpi_graph.paths when present."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from ..graph import iri_ok, label, store
from ..links import resource_url
from ..optional import function, module, plain
from ..security import wants_json

bp = Blueprint("paths", __name__, template_folder="templates")


def _endpoint_view(value: str) -> dict | None:
    if not value:
        return None
    if value.startswith("http") and iri_ok(value):
        return {"iri": value, "label": label(value), "href": resource_url(value), "code": value}
    return {"iri": None, "label": value, "href": None, "code": value}


def layout(steps: list[dict]) -> dict:
    """Positions of the nodes and edges of a path for the SVG diagram."""
    width, gap, y = 220, 90, 70
    nodes, edges = [], []
    for i, st in enumerate(steps):
        if i == 0:
            nodes.append({"x": 20, "y": y, "label": st.get("from_label", ""), "href": st.get("from_href")})
        x = 20 + (i + 1) * (width + gap)
        nodes.append({"x": x, "y": y, "label": st.get("to_label", ""), "href": st.get("to_href")})
        edges.append(
            {
                "x1": 20 + i * (width + gap) + width,
                "x2": x,
                "y": y + 25,
                "relation": st.get("relation_label", ""),
                "remaining": st.get("remaining_labels", []),
            }
        )
    total = 40 + max(1, len(nodes)) * (width + gap)
    return {"nodes": nodes, "edges": edges, "width": total, "height": 230, "box": width}


def _label_of(value) -> str:  # noqa: ANN001
    if isinstance(value, dict):
        return str(value.get("label") or value.get("code") or value.get("iri") or "")
    s = str(value)
    return label(s) if s.startswith("http") and iri_ok(s) else s


def normalise_steps(path) -> list[dict]:  # noqa: ANN001
    """A path of the paths module (whatever its exact shape) as template-ready steps."""
    data = plain(path)
    steps = data.get("steps", data) if isinstance(data, dict) else data
    out = []
    for st in steps or []:
        if not isinstance(st, dict):
            continue
        src = (
            st.get("source")
            if not isinstance(st.get("source"), str) or "://" in st.get("source", "")
            else None
        )
        frm = st.get("from") or st.get("src") or st.get("from_node") or src
        to = st.get("to") or st.get("target") or st.get("dst") or st.get("to_node")
        rel = st.get("relation") or st.get("kind") or st.get("type") or ""
        remaining = st.get("remaining") or st.get("remaining_blocs") or []
        granted = st.get("granted") or st.get("granted_blocs") or []
        out.append(
            {
                "from_label": _label_of(frm),
                "from_href": resource_url(frm) if isinstance(frm, str) and iri_ok(frm) else None,
                "to_label": _label_of(to),
                "to_href": resource_url(to) if isinstance(to, str) and iri_ok(to) else None,
                "relation_label": _label_of(rel),
                "remaining_labels": [_label_of(r) for r in remaining],
                "granted_labels": [_label_of(r) for r in granted],
                "legal": _label_of(st.get("legal_basis") or st.get("legalBasis") or ""),
                "source_label": _label_of(
                    st.get("source_document") or st.get("dct_source") or st.get("source") or ""
                ),
            }
        )
    return out


@bp.get("/paths")
def explorer():  # noqa: ANN201
    mod = module("paths")
    find = function(mod, "find_paths", "paths", "best_paths", "shortest_paths", "path")
    reach_fn = function(mod, "reach", "reachable")
    a = request.args.get("from", "").strip()[:300]
    b = request.args.get("to", "").strip()[:300]
    try:
        k = max(0, min(int(request.args.get("alternatives", 2)), 10))
    except ValueError:
        k = 2
    ctx: dict = {
        "a": _endpoint_view(a),
        "b": _endpoint_view(b),
        "k": k,
        "available": find is not None,
        "paths": [],
        "reach": [],
        "error": None,
        "proximity": [],
    }
    if find is not None and a and b:
        try:
            result = find(store(), a, b, alternatives=k)
            found = plain(result)
            items = found.get("paths", [found]) if isinstance(found, dict) else found
            for p in items or []:
                steps = normalise_steps(p)
                if steps:
                    ctx["paths"].append(
                        {"steps": steps, "svg": layout(steps), "remaining": steps[-1]["remaining_labels"]}
                    )
        except Exception as exc:  # noqa: BLE001 - the library's clear messages (unknown code, no path)
            ctx["error"] = str(exc)
    elif reach_fn is not None and a and not b:
        try:
            for r in plain(reach_fn(store(), a)) or []:
                if isinstance(r, dict):
                    target = r.get("target") or r.get("to") or r.get("iri") or r.get("certification")
                    ctx["reach"].append(
                        {
                            "label": _label_of(target),
                            "href": resource_url(target)
                            if isinstance(target, str) and iri_ok(target)
                            else None,
                            "remaining": [_label_of(x) for x in r.get("remaining", [])],
                        }
                    )
        except Exception as exc:  # noqa: BLE001
            ctx["error"] = str(exc)
    if request.args.get("format") == "json" or wants_json():
        return jsonify({k2: v for k2, v in ctx.items() if k2 != "svg"})
    return render_template("paths/paths.html", **ctx)
