"""Validation reports for people (text, HTML, CSV, JSON) and machines (Turtle sh:ValidationReport)."""

from __future__ import annotations

import builtins
import csv
import html
import io
import json
from collections import Counter, OrderedDict
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH, XSD

from ..cells import neutralise_row
from .compiler import parse_path
from .shapes import rule_name as _rule_name
from .shapes import rules as level_rules

FORMATS = ("text", "html", "csv", "json", "turtle")
SEVERITIES = ("Violation", "Warning", "Info")
SEVERITY_LABELS = {
    "fr": {"Violation": "violation", "Warning": "avertissement", "Info": "information"},
    "en": {"Violation": "violation", "Warning": "warning", "Info": "info"},
}
SEVERITY_PLURALS = {
    "fr": {"Violation": "violations", "Warning": "avertissements", "Info": "informations"},
    "en": {"Violation": "violations", "Warning": "warnings", "Info": "infos"},
}


@dataclass
class Result:
    """One validation result, already named for people."""

    rule: str  # IRI of the shape (sh:sourceShape)
    rule_label: str
    severity: str  # Violation | Warning | Info
    focus: str  # IRI, or blank node id (never shown to people)
    resource: str  # the focus node named by its kind, label and code
    property: str | None  # IRI of the property concerned
    property_label: str | None
    value: str | None  # offending value as people read it
    value_term: str | None  # offending value in N-Triples syntax
    message: str  # "<resource> : <message of the shape>", in the report language
    message_fr: str  # the shape's own message (sh:message), in French
    message_en: str  # and in English
    component: str
    cell: str | None = None  # spreadsheet cell (Sheet!C5) or CSV position
    focus_is_blank: bool = False
    focus_term: str = ""  # focus node in N-Triples syntax (an IRI, a blank node or a literal)
    shape: str = ""  # source shape in N-Triples syntax (the rule, or a shape nested in it)
    path_text: str | None = None  # result path in SPARQL syntax (<p>, ^<p>, (<p>/<q>)…)
    expected: str | None = None  # what was expected, for people (values of a list, a form)
    engine: str = ""  # sparql (compiled) | pyshacl | lecture (reading a spreadsheet)
    detail: str | None = None  # what tells apart results sharing focus and value

    @builtins.property  # (the field « property » hides the builtin in the class body)
    def rule_name(self) -> str:
        return _rule_name(self.rule)


@dataclass
class ValidationReport:
    """The outcome of one validation: conforms when no result is a violation (warnings allowed)."""

    results: list[Result]
    level: str  # referentiel | store
    lang: str = "fr"
    sources: list[str] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    engine: str = ""
    engines: dict[str, str] = field(default_factory=dict)  # rule IRI -> sparql | pyshacl
    reasons: dict[str, str] = field(default_factory=dict)  # rule IRI -> why pyshacl checked it
    rule_labels: dict[str, str] = field(default_factory=dict)  # rule IRI -> label, for engines()
    notes: list[str] = field(default_factory=list)  # what the report could not check, for people

    # ---------------------------------------------------------------- summaries
    @property
    def conforms(self) -> bool:
        """No violation (warnings and infos allowed); a severity of a user's own counts as one."""
        return not any(r.severity not in ("Warning", "Info") for r in self.results)

    @property
    def shacl_conforms(self) -> bool:
        """SHACL's sh:conforms: no validation result at all, whatever its severity."""
        return not self.results

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1

    def counts(self) -> dict[str, int]:
        c = Counter(r.severity if r.severity in SEVERITIES else "Violation" for r in self.results)
        return {s: c.get(s, 0) for s in SEVERITIES}

    def engine_summary(self) -> str:
        """Which engine checked which rule, for people (empty when every rule was compiled)."""
        by = {"sparql": [], "pyshacl": []}  # type: dict[str, list[str]]
        for rule, eng in self.engines.items():
            by.setdefault(eng, []).append(rule)
        if not by["pyshacl"]:
            return ""
        names = [
            self._quote(self.rule_labels.get(r, _rule_name(r))) + f" ({self.reasons.get(r, '')})"
            for r in by["pyshacl"]
        ]
        if self.lang == "en":
            return (
                f"Engines: {len(by['sparql'])} rules compiled to SPARQL (Oxigraph), "
                f"{len(by['pyshacl'])} checked by pyshacl: " + "; ".join(names)
            )
        return (
            f"Moteurs : {len(by['sparql'])} règles compilées en SPARQL (Oxigraph), "
            f"{len(by['pyshacl'])} vérifiées par pyshacl : " + " ; ".join(names)
        )

    def by_rule(self) -> list[dict]:
        """One entry per rule with results: rule, label, severity, count (violations first)."""
        groups: dict[str, dict] = {}
        for r in self.results:
            g = groups.setdefault(
                r.rule,
                {
                    "rule": r.rule,
                    "name": r.rule_name,
                    "label": r.rule_label,
                    "severity": r.severity,
                    "count": 0,
                    "examples": [],
                },
            )
            g["count"] += 1
            if len(g["examples"]) < 3:
                g["examples"].append(r.resource)
        order = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(groups.values(), key=lambda g: (order.get(g["severity"], 0), -g["count"], g["name"]))

    def by_resource(self) -> OrderedDict[str, list[Result]]:
        """Results grouped by the resource they concern; resources with violations first."""
        order = {s: i for i, s in enumerate(SEVERITIES)}
        ordered = sorted(self.results, key=lambda r: (order.get(r.severity, 0), r.resource, r.rule_name))
        groups: OrderedDict[str, list[Result]] = OrderedDict()
        for r in ordered:
            groups.setdefault(r.resource, []).append(r)
        return groups

    def _t(self, fr: str, en: str) -> str:
        return en if self.lang == "en" else fr

    def _quote(self, text: str) -> str:
        return f"“{text}”" if self.lang == "en" else f"« {text} »"

    def summary_line(self) -> str:
        counts = self.counts()
        plural = SEVERITY_PLURALS[self.lang]
        state = (
            self._t("conforme", "conforms") if self.conforms else self._t("non conforme", "does not conform")
        )
        parts = ", ".join(f"{counts[s]} {plural[s]}" for s in SEVERITIES if s != "Info" or counts[s])
        return f"{state} : {parts}" if self.lang == "fr" else f"{state}: {parts}"

    # ---------------------------------------------------------------- renderers
    def severity_label(self, severity: str) -> str:
        return SEVERITY_LABELS[self.lang].get(severity, _rule_name(severity))

    def render(self, fmt: str = "text", *, max_per_rule: int | None = None) -> str:
        if fmt not in FORMATS:
            raise ValueError(f"format inconnu : {fmt} (attendu : {', '.join(FORMATS)})")
        return getattr(self, f"to_{fmt}")() if fmt != "text" else self.to_text(max_per_rule=max_per_rule)

    def _header(self) -> list[str]:
        t = self._t
        what = (
            t("Validation d'un nouveau référentiel", "Validation of a new référentiel")
            if self.level == "referentiel"
            else t("Validation du graphe", "Validation of the stored graph")
        )
        out = [f"{what}" + (f" — {', '.join(self.sources)}" if self.sources else ""), self.summary_line()]
        out += self.notes
        engines = self.engine_summary()
        if engines:
            out.append(engines)
        return out

    def to_text(self, *, max_per_rule: int | None = None) -> str:
        t = self._t
        out = self._header()
        if self.level == "store" or max_per_rule is not None:
            out.append("")
            out.append(t("Par règle :", "By rule:"))
            for g in self.by_rule():
                out.append(
                    f"  {g['count']:>7}  {self.severity_label(g['severity']):<13} {g['name']} — {g['label']}"
                )
                for ex in g["examples"][: max_per_rule if max_per_rule is not None else 3]:
                    out.append(f"             {t('ex.', 'e.g.')} {ex}")
            return "\n".join(out) + "\n"
        colon = " : " if self.lang == "fr" else ": "
        for resource, results in self.by_resource().items():
            out.append("")
            out.append(resource)
            for r in results:
                out.append(f"  [{self.severity_label(r.severity)}] {r.message}")
                details = []
                for label, value in (
                    (t("propriété", "property"), r.property_label),
                    (t("valeur", "value"), r.value),
                    (t("attendu", "expected"), r.expected),
                    (t("cellule", "cell"), r.cell),
                ):
                    if value:
                        details.append(label + colon + value)
                details.append(t("règle", "rule") + colon + self._quote(r.rule_label))
                out.append("      " + t(" ; ", "; ").join(details))
        return "\n".join(out) + "\n"

    # For people first; the machine columns (IRIs, RDF terms) last, named so (iri, rdf).
    COLUMNS = (
        "severity",
        "resource",
        "property",
        "value",
        "expected",
        "message",
        "cell",
        "rule",
        "iri",
        "property_iri",
        "value_rdf",
        "rule_iri",
    )
    COLUMNS_FR = (
        "gravité",
        "ressource",
        "propriété",
        "valeur",
        "attendu",
        "message",
        "cellule",
        "règle",
        "iri",
        "iri_propriété",
        "valeur_rdf",
        "iri_règle",
    )

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.COLUMNS_FR if self.lang == "fr" else self.COLUMNS)
        for results in self.by_resource().values():
            for r in results:
                w.writerow(
                    neutralise_row(
                        [
                            self.severity_label(r.severity),
                            r.resource,
                            r.property_label or "",
                            r.value or "",
                            r.expected or "",
                            r.message,
                            r.cell or "",
                            r.rule_label,
                            "" if r.focus_is_blank else r.focus,
                            r.property or "",
                            r.value_term or "",
                            r.rule,
                        ]
                    )
                )
        return buf.getvalue()

    def to_json(self) -> str:
        data = {
            "conforms": self.conforms,
            "level": self.level,
            "lang": self.lang,
            "sources": self.sources,
            "summary": self.summary_line(),
            "notes": self.notes,
            "counts": self.counts(),
            "engines": self.engines,
            "pyshacl_reasons": self.reasons,
            "by_rule": [{k: v for k, v in g.items()} for g in self.by_rule()],
            "results": [{**asdict(r), "rule_name": r.rule_name} for r in self.results],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def to_html(self) -> str:
        t = self._t
        e = html.escape
        parts = [
            f'<section class="cqpi-validation" lang="{self.lang}">',
            f'<p class="summary {"conforms" if self.conforms else "violations"}">'
            f"{e(self.summary_line())}</p>",
        ]
        parts += [f'<p class="note">{e(n)}</p>' for n in self.notes]
        if self.engine_summary():
            parts.append(f'<p class="engines">{e(self.engine_summary())}</p>')
        if self.level == "store":
            parts.append(
                f"<table><thead><tr><th>{t('règle', 'rule')}</th><th>{t('gravité', 'severity')}</th>"
                f"<th>{t('nombre', 'count')}</th></tr></thead><tbody>"
            )
            for g in self.by_rule():
                parts.append(
                    f'<tr class="{e(g["severity"].lower())}"><td>{e(g["label"])}</td>'
                    f"<td>{e(self.severity_label(g['severity']))}</td><td>{g['count']}</td></tr>"
                )
            parts.append("</tbody></table></section>")
            return "\n".join(parts) + "\n"
        for resource, results in self.by_resource().items():
            parts.append(f"<h3>{e(resource)}</h3>")
            parts.append(
                f"<table><thead><tr><th>{t('gravité', 'severity')}</th>"
                f"<th>{t('propriété', 'property')}</th><th>{t('valeur', 'value')}</th>"
                f"<th>{t('attendu', 'expected')}</th>"
                f"<th>message</th><th>{t('cellule', 'cell')}</th></tr></thead><tbody>"
            )
            for r in results:
                parts.append(
                    f'<tr class="{e(r.severity.lower())}"><td>{e(self.severity_label(r.severity))}</td>'
                    f"<td>{e(r.property_label or '')}</td><td>{e(r.value or '')}</td>"
                    f"<td>{e(r.expected or '')}</td><td>{e(r.message)}</td><td>{e(r.cell or '')}</td></tr>"
                )
            parts.append("</tbody></table>")
        parts.append("</section>")
        return "\n".join(parts) + "\n"

    def to_graph(self) -> rdflib.Graph:
        """The standard SHACL validation report: sh:conforms is false as soon as there is a result
        (whatever its severity, as SHACL defines it); the exit code lets warnings pass."""
        g = rdflib.Graph()
        g.bind("sh", SH)
        g.bind("cqs", "https://w3id.org/cqpi/shapes#")
        report = rdflib.BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, rdflib.Literal(self.shacl_conforms, datatype=XSD.boolean)))
        for r in self.results:
            node = rdflib.BNode()
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            focus = _from_n3(r.focus_term) if r.focus_term else None
            if focus is None:
                focus = rdflib.BNode(r.focus) if r.focus_is_blank else rdflib.URIRef(r.focus)
            g.add((node, SH.focusNode, focus))
            severity = SH[r.severity] if r.severity in SEVERITIES else rdflib.URIRef(r.severity)
            g.add((node, SH.resultSeverity, severity))
            g.add((node, SH.sourceShape, _from_n3(r.shape) if r.shape else rdflib.URIRef(r.rule)))
            g.add((node, SH.sourceConstraintComponent, rdflib.URIRef(r.component)))
            if r.path_text:
                g.add((node, SH.resultPath, parse_path(r.path_text, g)))
            elif r.property:
                g.add((node, SH.resultPath, rdflib.URIRef(r.property)))
            if r.value_term:
                g.add((node, SH.value, _from_n3(r.value_term)))
            g.add((node, SH.resultMessage, rdflib.Literal(r.message_fr, lang="fr")))
            g.add((node, SH.resultMessage, rdflib.Literal(r.message_en, lang="en")))
        return g

    def to_turtle(self) -> str:
        """The report in Turtle, literals exactly as the data wrote them (Oxigraph's serializer)."""
        from .sparql_engine import to_ox

        g = self.to_graph()
        ordered = sorted(
            g, key=lambda t: (t[0] not in set(g.subjects(RDF.type, SH.ValidationReport)), str(t[0]))
        )
        triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in ordered]  # type: ignore[arg-type]
        prefixes = {"sh": str(SH), "cqs": "https://w3id.org/cqpi/shapes#", "xsd": str(XSD)}
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        return (data or b"").decode("utf-8")


def _from_n3(text: str) -> rdflib.term.Node:
    """A term in N-Triples syntax; a typed literal keeps its lexical form ("none"^^xsd:boolean)."""
    from rdflib.util import from_n3

    node = from_n3(text)
    if not isinstance(node, rdflib.term.Node):
        raise ValueError(f"terme illisible : {text}")
    if isinstance(node, rdflib.Literal) and node.datatype is not None and "^^" in text:
        lexical = from_n3(text.rsplit("^^", 1)[0])
        return rdflib.Literal(str(lexical), datatype=node.datatype, normalize=False)
    return node


def rule_label(level: str, rule: str, lang: str) -> str:
    r = level_rules(level).get(rule)
    return r.label(lang) if r else rule
