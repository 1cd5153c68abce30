"""From the query answers (`gather.Rows`) to the records of a description, one step per part."""

from __future__ import annotations

from collections.abc import Callable

from ..namespaces import CQ, DCT
from ..store import Term
from .gather import Rows, short_graph
from .records import Activity, BlocView, Capacity, GraphInfo, Recognition, Ref, SharedWith, Statement, Value

Referrer = Callable[[str], Ref]

# Attributes of a recognition record, by the property that gives them.
RECOGNITION_FIELDS = {
    "origin": (CQ + "fromCertification", CQ + "fromBloc"),
    "target": (CQ + "toCertification", CQ + "toBloc"),
    "granted": (CQ + "grantsBloc",),
    "remaining": (CQ + "remainingBloc",),
    "legal": (CQ + "legalBasis",),
    "direction": (CQ + "direction",),
    "scope": (CQ + "scopeNote",),
    "score": (CQ + "similarityScore",),
    "source": (DCT + "source",),
}


def value(t: Term, ref: Referrer) -> Value:
    if t.kind == "uri":
        r = ref(t.value)
        return Value("uri", r.label, iri=t.value)
    if t.kind == "bnode":
        return Value("bnode", "_:" + t.value)
    return Value("literal", t.value, lang=t.lang, datatype=t.datatype)


def _order_key(order: str | None, label: str) -> tuple[float, str]:
    try:
        return (float(order or 1e9), label)
    except ValueError:
        return (1e9, label)


def bloc_views(rows: Rows, ref: Referrer) -> list[BlocView]:
    blocs: dict[str, BlocView] = {}
    for r in rows.blocs:
        b = r["b"].value
        view = blocs.setdefault(b, BlocView(ref(b), r["code"].value if "code" in r else ""))
        if "c" in r and r["c"].value not in {c.iri for c in view.competences}:
            view.competences.append(ref(r["c"].value))
    return sorted(blocs.values(), key=lambda b: (b.code, b.label))


def activities(rows: Rows, ref: Referrer) -> list[Activity]:
    out = [
        Activity(ref(r["a"].value), r["order"].value if "order" in r else None)
        for r in rows.activities
        if r["a"].kind == "uri"
    ]
    return sorted(out, key=lambda a: _order_key(a.order, a.ref.label))


def capacities(rows: Rows, ref: Referrer) -> list[Capacity]:
    caps: dict[str, Capacity] = {}
    for r in rows.capacities:
        c = r["c"].value
        cap = caps.setdefault(c, Capacity(ref(c)))
        if "order" in r:
            cap.order = r["order"].value
        for var, items in (("er", cap.results), ("cond", cap.conditions), ("act", cap.activities)):
            if var in r:
                v = value(r[var], ref)
                if v not in items:
                    items.append(v)
    return sorted(caps.values(), key=lambda c: _order_key(c.order, c.ref.label))


def recognitions(rows: Rows, ref: Referrer) -> tuple[list[Recognition], list[Recognition], list[Recognition]]:
    """(recognitions towards the resource, from it, content proximities)."""
    found: dict[str, tuple[Recognition, set[str]]] = {}
    for r in rows.recognitions:
        rid = r["r"].value
        rec, types = found.setdefault(rid, (Recognition(ref(rid), r["role"].value, []), set()))
        types.add(r["t"].value)
        for name, props in RECOGNITION_FIELDS.items():
            if r["p"].value in props:
                items: list[Value] = getattr(rec, name)
                v = value(r["o"], ref)
                if v not in items:
                    items.append(v)
    rec_in, rec_out, prox = [], [], []
    for rec, types in found.values():
        shown = types - {CQ + "Reconnaissance"}
        rec.types = [ref(t) for t in sorted(shown or types)]
        if CQ + "ProximiteContenu" in types:
            prox.append(rec)
        elif rec.role == "in":
            rec_in.append(rec)
        else:
            rec_out.append(rec)
    return sorted(rec_in, key=_by_label), sorted(rec_out, key=_by_label), sorted(prox, key=_by_label)


def _by_label(rec: Recognition) -> tuple[str, str]:
    return rec.ref.label, rec.ref.iri


def shared_with(rows: Rows, ref: Referrer) -> list[SharedWith]:
    found = [
        SharedWith(ref(r["other"].value), int(r["n"].value), r["how"].value if "how" in r else "")
        for r in rows.shared
        if r["other"].kind == "uri"
    ]
    return sorted(found, key=lambda x: (-x.n, x.ref.label.lower(), x.ref.iri))


def statements(iri: str, rows: Rows, ref: Referrer) -> tuple[list[Statement], list[Statement]]:
    """Every statement about the resource, and pointing at it, with its named graph."""
    me = Value("uri", ref(iri).label, iri=iri)
    out = [
        Statement(me, ref(r["p"].value), value(r["o"], ref), r["g"].value, short_graph(r["g"].value))
        for r in rows.out
    ]
    out.sort(key=lambda s: (s.predicate.label.lower(), s.obj.label.lower(), s.obj.iri, s.graph))
    into = [
        Statement(value(r["x"], ref), ref(r["p"].value), me, r["g"].value, short_graph(r["g"].value))
        for r in rows.incoming
    ]
    into.sort(key=lambda s: (s.predicate.label.lower(), s.subject.label.lower(), s.subject.iri, s.graph))
    return out, into


def graph_infos(rows: Rows, ref: Referrer) -> list[GraphInfo]:
    graphs = sorted({r["g"].value for r in rows.out + rows.incoming})
    infos = {g: GraphInfo(g, short_graph(g)) for g in graphs}
    for r in rows.meta:
        infos[r["g"].value].props.setdefault(ref(r["p"].value).label, []).append(value(r["o"], ref))
    for info in infos.values():
        info.props = {k: sorted(vs, key=lambda v: (v.label, v.iri)) for k, vs in sorted(info.props.items())}
    return list(infos.values())
