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
        code = value.get("code") or ""
        lbl = str(value.get("label") or "")
        text = " ".join(x for x in (code, lbl) if x)
        return text or str(value.get("iri") or "")
    if isinstance(value, list):
        return ", ".join(_label_of(v) for v in value)
    s = str(value)
    return label(s) if s.startswith("http") and iri_ok(s) else s


def _href_of(value) -> str | None:  # noqa: ANN001
    iri = value.get("iri") if isinstance(value, dict) else value
    return resource_url(iri) if isinstance(iri, str) and iri.startswith("http") and iri_ok(iri) else None


def normalise_steps(path) -> list[dict]:  # noqa: ANN001
    """A path of cqpi_graph.paths (Path.to_dict()) as template-ready steps."""
    data = plain(path)
    steps = data.get("steps", []) if isinstance(data, dict) else data
    out = []
    for st in steps or []:
        if not isinstance(st, dict):
            continue
        frm, to = st.get("from"), st.get("to")
        remaining = st.get("remaining_blocs") or st.get("remaining") or []
        out.append(
            {
                "from_label": _label_of(frm),
                "from_href": _href_of(frm),
                "to_label": _label_of(to),
                "to_href": _href_of(to),
                "relation_label": str(st.get("relation_label") or st.get("relation") or ""),
                "remaining_labels": [_label_of(r) for r in remaining],
                "remaining_known": st.get("remaining_known", True),
                "granted_labels": [_label_of(r) for r in st.get("granted_blocs") or st.get("granted") or []],
                "legal": _label_of(st.get("legal_basis") or []),
                "source_label": _label_of(st.get("sources") or []),
                "derivation": str(st.get("derivation") or ""),
                "notes": [str(n) for n in st.get("notes") or []],
            }
        )
    return out


def _proximity(data) -> list[dict]:  # noqa: ANN001
    out = []
    for p in (data.get("proximity") if isinstance(data, dict) else None) or []:
        out.append(
            {
                "a": _label_of(p.get("a")),
                "a_href": _href_of(p.get("a")),
                "b": _label_of(p.get("b")),
                "b_href": _href_of(p.get("b")),
                "source": _label_of(p.get("sources") or []),
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
        "same": False,
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
                    cost = p.get("cost") if isinstance(p, dict) else None
                    ctx["paths"].append({"steps": steps, "svg": layout(steps), "cost": cost})
            ctx["proximity"] = _proximity(found)
            ctx["same"] = bool(isinstance(found, dict) and found.get("same_certification"))
        except Exception as exc:  # noqa: BLE001 - the library's clear messages (unknown code, no path)
            ctx["error"] = str(exc)
    elif reach_fn is not None and a and not b:
        try:
            found = plain(reach_fn(store(), a, limit=100))
            items = (found.get("reachable") or found.get("items") or []) if isinstance(found, dict) else found
            for r in items or []:
                node = r.get("node") or {}
                steps = normalise_steps(r.get("path") or {})
                ctx["reach"].append(
                    {
                        "label": _label_of(node),
                        "href": _href_of(node),
                        "cost": r.get("cost"),
                        "via": " → ".join(st["relation_label"] for st in steps),
                        "remaining": [x for st in steps for x in st["remaining_labels"]],
                    }
                )
            ctx["proximity"] = _proximity(found)
        except Exception as exc:  # noqa: BLE001
            ctx["error"] = str(exc)
    if request.args.get("format") == "json" or wants_json():
        return jsonify({k2: v for k2, v in ctx.items() if k2 != "svg"})
    return render_template("paths/paths.html", **ctx)
