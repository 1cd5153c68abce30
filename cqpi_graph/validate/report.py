"""Validation reports for people (text, HTML, CSV, JSON) and machines (Turtle sh:ValidationReport)."""

from __future__ import annotations

import csv
import html
import io
import json
from collections import Counter, OrderedDict
from dataclasses import asdict, dataclass, field

import rdflib
from rdflib.namespace import RDF, SH, XSD

from ..cells import neutralise_row
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

    @property
    def rule_name(self) -> str:
        return self.rule.rsplit("#", 1)[-1]


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

    # ---------------------------------------------------------------- summaries
    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1

    def counts(self) -> dict[str, int]:
        c = Counter(r.severity for r in self.results)
        return {s: c.get(s, 0) for s in SEVERITIES}

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
        return sorted(groups.values(), key=lambda g: (order[g["severity"]], -g["count"], g["name"]))

    def by_resource(self) -> OrderedDict[str, list[Result]]:
        """Results grouped by the resource they concern; resources with violations first."""
        order = {s: i for i, s in enumerate(SEVERITIES)}
        ordered = sorted(self.results, key=lambda r: (order[r.severity], r.resource, r.rule_name))
        groups: OrderedDict[str, list[Result]] = OrderedDict()
        for r in ordered:
            groups.setdefault(r.resource, []).append(r)
        return groups

    def _t(self, fr: str, en: str) -> str:
        return en if self.lang == "en" else fr

    def summary_line(self) -> str:
        counts = self.counts()
        plural = SEVERITY_PLURALS[self.lang]
        state = (
            self._t("conforme", "conforms") if self.conforms else self._t("non conforme", "does not conform")
        )
        parts = ", ".join(f"{counts[s]} {plural[s]}" for s in SEVERITIES if s != "Info" or counts[s])
        return f"{state} : {parts}" if self.lang == "fr" else f"{state}: {parts}"

    # ---------------------------------------------------------------- renderers
    def render(self, fmt: str = "text", *, max_per_rule: int | None = None) -> str:
        if fmt not in FORMATS:
            raise ValueError(f"format inconnu : {fmt} (attendu : {', '.join(FORMATS)})")
        return getattr(self, f"to_{fmt}")() if fmt != "text" else self.to_text(max_per_rule=max_per_rule)

    def to_text(self, *, max_per_rule: int | None = None) -> str:
        t = self._t
        out = []
        what = (
            t("Validation d'un nouveau référentiel", "Validation of a new référentiel")
            if self.level == "referentiel"
            else t("Validation du graphe", "Validation of the stored graph")
        )
        out.append(f"{what}" + (f" — {', '.join(self.sources)}" if self.sources else ""))
        out.append(self.summary_line())
        if self.level == "store" or max_per_rule is not None:
            out.append("")
            out.append(t("Par règle :", "By rule:"))
            sev = SEVERITY_LABELS[self.lang]
            for g in self.by_rule():
                out.append(f"  {g['count']:>7}  {sev[g['severity']]:<13} {g['name']} — {g['label']}")
                for ex in g["examples"][: max_per_rule if max_per_rule is not None else 3]:
                    out.append(f"             {t('ex.', 'e.g.')} {ex}")
            return "\n".join(out) + "\n"
        sev = SEVERITY_LABELS[self.lang]
        for resource, results in self.by_resource().items():
            out.append("")
            out.append(resource)
            for r in results:
                line = f"  [{sev[r.severity]}] {r.message}"
                out.append(line)
                details = []
                if r.property_label:
                    details.append(
                        f"{t('propriété', 'property')} : {r.property_label}"
                        if self.lang == "fr"
                        else f"property: {r.property_label}"
                    )
                if r.value:
                    details.append(
                        f"{t('valeur', 'value')} : {r.value}" if self.lang == "fr" else f"value: {r.value}"
                    )
                if r.cell:
                    details.append(
                        f"{t('cellule', 'cell')} : {r.cell}" if self.lang == "fr" else f"cell: {r.cell}"
                    )
                details.append(f"{t('règle', 'rule')} {r.rule_name}")
                out.append("      " + " ; ".join(details))
        return "\n".join(out) + "\n"

    COLUMNS = (
        "severity",
        "resource",
        "property_label",
        "value",
        "message",
        "cell",
        "rule_name",
        "focus",
        "property",
        "value_term",
    )

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        headers_fr = (
            "gravité",
            "ressource",
            "propriété",
            "valeur",
            "message",
            "cellule",
            "règle",
            "iri",
            "iri_propriété",
            "valeur_rdf",
        )
        w.writerow(headers_fr if self.lang == "fr" else self.COLUMNS)
        sev = SEVERITY_LABELS[self.lang]
        for results in self.by_resource().values():
            for r in results:
                w.writerow(
                    neutralise_row(
                        [
                            sev[r.severity],
                            r.resource,
                            r.property_label or "",
                            r.value or "",
                            r.message,
                            r.cell or "",
                            r.rule_name,
                            "" if r.focus_is_blank else r.focus,
                            r.property or "",
                            r.value_term or "",
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
            "counts": self.counts(),
            "by_rule": [{k: v for k, v in g.items()} for g in self.by_rule()],
            "results": [{**asdict(r), "rule_name": r.rule_name} for r in self.results],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def to_html(self) -> str:
        t = self._t
        e = html.escape
        sev = SEVERITY_LABELS[self.lang]
        parts = [
            f'<section class="cqpi-validation" lang="{self.lang}">',
            f'<p class="summary {"conforms" if self.conforms else "violations"}">'
            f"{e(self.summary_line())}</p>",
        ]
        if self.level == "store":
            parts.append(
                f"<table><thead><tr><th>{t('règle', 'rule')}</th><th>{t('gravité', 'severity')}</th>"
                f"<th>{t('nombre', 'count')}</th></tr></thead><tbody>"
            )
            for g in self.by_rule():
                parts.append(
                    f'<tr class="{g["severity"].lower()}"><td>{e(g["label"])}</td>'
                    f"<td>{sev[g['severity']]}</td><td>{g['count']}</td></tr>"
                )
            parts.append("</tbody></table></section>")
            return "\n".join(parts) + "\n"
        for resource, results in self.by_resource().items():
            parts.append(f"<h3>{e(resource)}</h3>")
            parts.append(
                f"<table><thead><tr><th>{t('gravité', 'severity')}</th>"
                f"<th>{t('propriété', 'property')}</th><th>{t('valeur', 'value')}</th>"
                f"<th>message</th><th>{t('cellule', 'cell')}</th></tr></thead><tbody>"
            )
            for r in results:
                parts.append(
                    f'<tr class="{r.severity.lower()}"><td>{sev[r.severity]}</td>'
                    f"<td>{e(r.property_label or '')}</td>"
                    f"<td>{e(r.value or '')}</td><td>{e(r.message)}</td><td>{e(r.cell or '')}</td></tr>"
                )
            parts.append("</tbody></table>")
        parts.append("</section>")
        return "\n".join(parts) + "\n"

    def to_graph(self) -> rdflib.Graph:
        """The standard SHACL validation report (sh:conforms true when only warnings)."""
        g = rdflib.Graph()
        g.bind("sh", SH)
        g.bind("cqs", "https://w3id.org/cqpi/shapes#")
        report = rdflib.BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, rdflib.Literal(self.conforms, datatype=XSD.boolean)))
        for r in self.results:
            node = rdflib.BNode()
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, rdflib.BNode(r.focus) if r.focus_is_blank else rdflib.URIRef(r.focus)))
            g.add((node, SH.resultSeverity, SH[r.severity]))
            g.add((node, SH.sourceShape, rdflib.URIRef(r.rule)))
            g.add((node, SH.sourceConstraintComponent, rdflib.URIRef(r.component)))
            if r.property:
                g.add((node, SH.resultPath, rdflib.URIRef(r.property)))
            if r.value_term:
                g.add((node, SH.value, _from_n3(r.value_term)))
            g.add((node, SH.resultMessage, rdflib.Literal(r.message_fr, lang="fr")))
            g.add((node, SH.resultMessage, rdflib.Literal(r.message_en, lang="en")))
        return g

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")


def _from_n3(text: str) -> rdflib.term.Node:
    from rdflib.util import from_n3

    return from_n3(text)


def rule_label(level: str, rule: str, lang: str) -> str:
    r = level_rules(level).get(rule)
    return r.label(lang) if r else rule
