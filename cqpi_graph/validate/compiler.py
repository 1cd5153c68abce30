"""SHACL Core compiled into SPARQL: one query per constraint of each targeted shape.

pyshacl evaluates shapes node by node (and parses a SHACL-SPARQL query again for every focus
node); here each constraint becomes one SPARQL query over the whole data graph, run by Oxigraph.
Nested shapes (sh:node, sh:not, sh:and, sh:or, sh:xone, sh:qualifiedValueShape) become
``EXISTS { … }`` patterns that have a solution when a node violates the nested shape.

What this compiler cannot translate faithfully raises UnsupportedShape with the reason: a user's
SHACL-SPARQL, a recursive shape, a datatype whose literals Oxigraph rewrites (xsd:byte is stored as
xsd:integer), an unknown SHACL parameter. The caller runs such a shape on pyshacl (hybrid.py).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
SEVERITY_NAMES: dict[rdflib.term.Node, str] = {
    SH.Violation: "Violation",
    SH.Warning: "Warning",
    SH.Info: "Info",
}
MAX_QUERY = 200_000  # characters: beyond, a nested shape is better left to pyshacl

# Parameters of a shape that never change what is checked.
_ANNOTATIONS = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.path,
    SH.flags,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    SH.prefixes,
    SH.declare,
}
# Literals Oxigraph stores under another datatype (xsd:byte as xsd:integer, …): a constraint that
# compares datatypes or terms of such literals cannot be decided on Oxigraph.
REWRITTEN_DATATYPES = {
    XSD[t]
    for t in (
        "byte",
        "short",
        "int",
        "long",
        "unsignedByte",
        "unsignedShort",
        "unsignedInt",
        "unsignedLong",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "dateTimeStamp",
    )
}
# XSD datatypes whose lexical space Oxigraph checks with a cast (ill-formed -> the cast fails).
_CASTABLE = {
    XSD[t]
    for t in (
        "boolean",
        "integer",
        "decimal",
        "float",
        "double",
        "date",
        "dateTime",
        "time",
        "gYear",
        "gYearMonth",
        "gMonth",
        "gMonthDay",
        "gDay",
        "duration",
        "yearMonthDuration",
        "dayTimeDuration",
    )
}
_ANY_LEXICAL = {XSD.string, XSD.anyURI, RDF.HTML, RDF.XMLLiteral}
_NODE_KINDS: dict[rdflib.term.Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
_RANGES = {
    SH.minExclusive: ("MinExclusive", ">"),
    SH.minInclusive: ("MinInclusive", ">="),
    SH.maxExclusive: ("MaxExclusive", "<"),
    SH.maxInclusive: ("MaxInclusive", "<="),
}
# The parameters the compiler understands (with _ANNOTATIONS); any other sh: term is refused.
_CONSTRAINTS = {
    SH["class"],
    SH.datatype,
    SH.nodeKind,
    SH.minCount,
    SH.maxCount,
    SH.minLength,
    SH.maxLength,
    SH.pattern,
    SH.languageIn,
    SH.uniqueLang,
    SH["in"],
    SH.hasValue,
    SH.equals,
    SH.disjoint,
    SH.lessThan,
    SH.lessThanOrEquals,
    SH.node,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.property,
    SH.qualifiedValueShape,
    SH.closed,
    SH.sparql,
    *_RANGES,
}


# Why a shape is left to pyshacl, in French and English ({x} is filled in).
REASONS = {
    "iri": ("IRI attendue, trouvé {x}", "IRI expected, found {x}"),
    "blank": ("nœud anonyme comme valeur d'une contrainte", "blank node as a constraint value"),
    "rewritten": (
        "{x} : Oxigraph range ces littéraux sous un autre type",
        "{x}: Oxigraph stores these literals under another type",
    ),
    "several": ("plusieurs valeurs de {x}", "several values of {x}"),
    "list": ("liste RDF attendue, trouvé {x}", "RDF list expected, found {x}"),
    "integer": ("entier attendu, trouvé {x}", "integer expected, found {x}"),
    "path": ("chemin SHACL mal formé : {x}", "ill-formed SHACL path: {x}"),
    "target": ("forme sans cible : {x}", "shape without target: {x}"),
    "parameter": ("paramètre SHACL non pris en charge : {x}", "SHACL parameter not supported: {x}"),
    "sparql": (
        "contrainte SHACL-SPARQL d'un fichier de formes fourni",
        "SHACL-SPARQL constraint of a given shapes file",
    ),
    "kind": ("sh:nodeKind inconnu : {x}", "unknown sh:nodeKind: {x}"),
    "lexical": ("{x} : forme lexicale non vérifiable ici", "{x}: lexical form not checkable here"),
    "recursive": ("forme récursive", "recursive shape"),
    "cardinality": (
        "cardinalité trop grande pour une forme imbriquée",
        "cardinality too large for a nested shape",
    ),
    "node-shape": ("{x} sur une forme de nœud", "{x} on a node shape"),
    "deactivated": ("contrainte SHACL-SPARQL désactivée", "deactivated SHACL-SPARQL constraint"),
    "nested-sparql": (
        "contrainte SHACL-SPARQL dans une forme imbriquée",
        "SHACL-SPARQL constraint in a nested shape",
    ),
    "long": ("requête trop longue (formes imbriquées)", "query too long (nested shapes)"),
    "rewritten-data": (
        "les données ont des littéraux {x} qu'Oxigraph range sous un autre type",
        "the data has {x} literals that Oxigraph stores under another type",
    ),
    "engine": ("moteur pyshacl demandé (--engine shacl)", "pyshacl engine asked for (--engine shacl)"),
}


def severity_name(node: rdflib.term.Node | None) -> str:
    """Violation, Warning or Info; the IRI of a severity of one's own; Violation by default."""
    if node is None:
        return "Violation"
    return SEVERITY_NAMES.get(node, str(node))


class UnsupportedShape(ValueError):
    """A shape (or a shape it refers to) that this compiler does not translate, and why."""

    def __init__(self, key: str, x: object = "") -> None:
        detail = str(x)
        for ns, prefix in ((str(SH), "sh:"), (str(XSD), "xsd:"), (str(RDF), "rdf:")):
            detail = detail.replace(ns, prefix)
        self.key, self.detail = key, detail
        super().__init__(self.text("fr"))

    def text(self, lang: str) -> str:
        fr, en = REASONS[self.key]
        return (en if lang == "en" else fr).format(x=self.detail)


@dataclass(frozen=True)
class CompiledQuery:
    """One SPARQL query: its solutions are the validation results of one constraint."""

    rule: str  # the targeted (top-level) shape the results are reported under
    severity: str  # Violation | Warning | Info, or the IRI of another severity
    component: str  # IRI of the SHACL constraint component
    query: str
    path: rdflib.term.Node | None  # the shape's sh:path when the query does not bind ?path
    binds_value: bool = True
    shape: rdflib.term.Node | None = None  # the source shape (rule itself, or a nested property shape)
    path_text: str | None = None  # the path in SPARQL syntax (resultPath of the report)
    binds_detail: bool = False  # ?detail tells results apart that share focus and value (sh:uniqueLang)
    vias: tuple[str, ...] = ()  # variables of the parent focus nodes (nested property shapes)


@dataclass
class _Check:
    """One constraint of a shape: a pattern with a solution per validation result."""

    component: str
    # (focus var, value var) -> the alternative group patterns (a UNION), each with a solution per
    # result; alternatives because a group nested at the top level does not see the focus binding.
    pattern: Callable[..., list[str]]
    binds_value: bool = True
    binds_path: bool = False  # the pattern binds ?path (sh:closed: the unexpected predicate)
    binds_detail: bool = False
    top: Callable[[str], str] | None = None  # whole query from the focus pattern (aggregates)


@dataclass
class Compiler:
    """Compile the shapes of a shapes graph; ``trusted`` shapes may use SHACL-SPARQL (sh:sparql)."""

    g: rdflib.Graph
    trusted: frozenset[rdflib.term.Node] = frozenset()
    _counter: itertools.count = field(default_factory=itertools.count)
    _stack: list[rdflib.term.Node] = field(default_factory=list)

    # ------------------------------------------------------------ helpers
    def fresh(self) -> str:
        return f"?_v{next(self._counter)}"

    def iri(self, node: rdflib.term.Node | None) -> str:
        if not isinstance(node, rdflib.URIRef):
            raise UnsupportedShape("iri", node)
        return f"<{node}>"

    def term(self, node: rdflib.term.Node) -> str:
        if isinstance(node, rdflib.BNode):
            raise UnsupportedShape("blank")
        if isinstance(node, rdflib.Literal) and node.datatype in REWRITTEN_DATATYPES:
            raise UnsupportedShape("rewritten", node.datatype)
        return node.n3()

    def one(self, shape: rdflib.term.Node, prop: rdflib.URIRef) -> rdflib.term.Node | None:
        values = list(self.g.objects(shape, prop))
        if len(values) > 1 and prop not in (SH.message, SH["class"]):
            raise UnsupportedShape("several", prop)
        return values[0] if values else None

    def items(self, node: rdflib.term.Node | None) -> list[rdflib.term.Node]:
        if node is None or (node, RDF.first, None) not in self.g and node != RDF.nil:
            raise UnsupportedShape("list", node)
        return list(Collection(self.g, node))

    def integer(self, node: rdflib.term.Node) -> int:
        try:
            return int(str(node))
        except ValueError:
            raise UnsupportedShape("integer", node) from None

    def deactivated(self, shape: rdflib.term.Node) -> bool:
        value = self.g.value(shape, SH.deactivated)
        return isinstance(value, rdflib.Literal) and value.toPython() is True

    def severity(self, shape: rdflib.term.Node) -> str:
        return severity_name(self.g.value(shape, SH.severity))

    # ------------------------------------------------------------ paths and targets
    def path(self, node: rdflib.term.Node | None) -> str:
        """A SHACL property path as a SPARQL property path."""
        if node is None:
            raise UnsupportedShape("path", "sh:path")
        if isinstance(node, rdflib.URIRef):
            return self.iri(node)
        if (node, RDF.first, None) in self.g:
            steps = self.items(node)
            if len(steps) < 2:
                raise UnsupportedShape("path", "sh:path ( … )")
            return "(" + "/".join(self.path(p) for p in steps) + ")"
        alt = self.g.value(node, SH.alternativePath)
        if alt is not None:
            options = self.items(alt)
            if len(options) < 2:
                raise UnsupportedShape("path", "sh:alternativePath")
            return "(" + "|".join(self.path(p) for p in options) + ")"
        inv = self.g.value(node, SH.inversePath)
        if inv is not None:
            return "^" + self.path(inv)
        for key, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            sub = self.g.value(node, key)
            if sub is not None:
                return "(" + self.path(sub) + ")" + op
        raise UnsupportedShape("path", node)

    def target_parts(self, shape: rdflib.term.Node, var: str) -> list[str]:
        g = self.g
        parts = [f"{var} {TYPE_PATH} {self.iri(c)} ." for c in g.objects(shape, SH.targetClass)]
        if any((shape, RDF.type, c) in g for c in (RDFS.Class, OWL.Class)):
            parts.append(f"{var} {TYPE_PATH} {self.iri(shape)} .")
        parts += [f"{var} {self.iri(p)} [] ." for p in g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"[] {self.iri(p)} {var} ." for p in g.objects(shape, SH.targetObjectsOf)]
        nodes = list(g.objects(shape, SH.targetNode))
        if nodes:
            parts.append(f"VALUES {var} {{ " + " ".join(self.term(n) for n in nodes) + " }")
        return parts

    def focus(self, shape: rdflib.term.Node, var: str = "?this") -> str:
        """A group pattern binding ``var`` to each focus node of a targeted shape (once)."""
        parts = self.target_parts(shape, var)
        if not parts:
            raise UnsupportedShape("target", shape)
        union = " UNION ".join("{ " + p + " }" for p in parts)
        return f"{{ SELECT DISTINCT {var} WHERE {{ {union} }} }}"

    # ------------------------------------------------------------ shapes
    def check_parameters(self, shape: rdflib.term.Node) -> None:
        for p in set(self.g.predicates(shape, None)):
            if str(p).startswith(str(SH)) and p not in _ANNOTATIONS and p not in _CONSTRAINTS:
                raise UnsupportedShape("parameter", p)
        if (shape, SH.sparql, None) in self.g and shape not in self.trusted:
            raise UnsupportedShape("sparql")

    def value_nodes(self, shape: rdflib.term.Node, x: str, v: str) -> str:
        path = self.g.value(shape, SH.path)
        if path is None:
            return f"BIND({x} AS {v})"
        return f"{x} {self.path(path)} {v} ."

    def checks(self, shape: rdflib.term.Node) -> Iterator[_Check]:
        """The constraints of a shape, each as a pattern (nested sh:property shapes apart)."""
        self.check_parameters(shape)
        yield from self.value_checks(shape)
        yield from self.logical_checks(shape)
        yield from self.count_checks(shape)
        yield from self.pair_checks(shape)
        yield from self.other_checks(shape)

    def per_value(self, shape: rdflib.term.Node, component: str, bad: Callable[..., str]) -> _Check:
        """A constraint on each value node: a result for each value where ``bad(value)`` holds."""
        return _Check(component, lambda x, v: [f"{self.value_nodes(shape, x, v)} FILTER ({bad(v)})"])

    def value_checks(self, shape: rdflib.term.Node) -> Iterator[_Check]:
        g = self.g
        for cls in g.objects(shape, SH["class"]):
            c = self.iri(cls)
            yield self.per_value(shape, "ClassConstraintComponent", lambda v, c=c: self.not_instance(v, c))
        dt = self.one(shape, SH.datatype)
        if dt is not None:
            yield self.per_value(
                shape, "DatatypeConstraintComponent", lambda v: f"!({self.has_datatype(v, dt)})"
            )
        kind = self.one(shape, SH.nodeKind)
        if kind is not None:
            if kind not in _NODE_KINDS:
                raise UnsupportedShape("kind", kind)
            yield self.per_value(
                shape, "NodeKindConstraintComponent", lambda v: "!" + _NODE_KINDS[kind].format(v=v)
            )
        for prop, (name, op) in _RANGES.items():
            bound = self.one(shape, prop)
            if bound is not None:
                lit = self.term(bound)
                yield self.per_value(
                    shape,
                    f"{name}ConstraintComponent",
                    lambda v, op=op, lit=lit: f"!COALESCE({v} {op} {lit}, false)",
                )
        for prop, name, op in ((SH.minLength, "MinLength", "<"), (SH.maxLength, "MaxLength", ">")):
            n = self.one(shape, prop)
            if n is not None:
                k = self.integer(n)
                yield self.per_value(
                    shape,
                    f"{name}ConstraintComponent",
                    lambda v, op=op, k=k: f"isBlank({v}) || STRLEN(STR({v})) {op} {k}",
                )
        pattern = self.one(shape, SH.pattern)
        if pattern is not None:
            flags = self.one(shape, SH.flags)
            regex = rdflib.Literal(str(pattern)).n3()
            args = f"{regex}, {rdflib.Literal(str(flags)).n3()}" if flags else regex
            yield self.per_value(
                shape, "PatternConstraintComponent", lambda v: f"isBlank({v}) || !REGEX(STR({v}), {args})"
            )
        langs = self.one(shape, SH.languageIn)
        if langs is not None:
            tests = " || ".join(
                f"LANGMATCHES(LANG({{v}}), {rdflib.Literal(str(t)).n3()})" for t in self.items(langs)
            )
            yield self.per_value(
                shape,
                "LanguageInConstraintComponent",
                lambda v: f"!isLiteral({v}) || !({tests or 'false'})".replace("{v}", v),
            )
        members = self.one(shape, SH["in"])
        if members is not None:
            terms = [self.term(m) for m in self.items(members)]
            yield self.per_value(shape, "InConstraintComponent", lambda v: self.not_among(v, terms))

    @staticmethod
    def not_instance(v: str, cls: str) -> str:
        return f"NOT EXISTS {{ {v} {TYPE_PATH} {cls} }}"

    @staticmethod
    def not_among(v: str, terms: list[str]) -> str:
        if not terms:
            return "true"
        return "!(" + " || ".join(f"sameTerm({v}, {t})" for t in terms) + ")"

    def has_datatype(self, v: str, dt: rdflib.term.Node) -> str:
        """True when ``v`` is a well-formed literal of datatype ``dt``."""
        if dt in REWRITTEN_DATATYPES:
            raise UnsupportedShape("rewritten", f"sh:datatype {dt}")
        if dt == RDF.langString:
            return f'isLiteral({v}) && LANG({v}) != ""'
        test = f"isLiteral({v}) && sameTerm(DATATYPE({v}), {self.iri(dt)})"
        if dt in _CASTABLE:
            return f"{test} && COALESCE(STRLEN(STR({self.iri(dt)}(STR({v})))) >= 0, false)"
        if dt in _ANY_LEXICAL or not str(dt).startswith(str(XSD)):
            return test
        raise UnsupportedShape("lexical", f"sh:datatype {dt}")

    # ------------------------------------------------------------ nested shapes
    def violates(self, shape: rdflib.term.Node, x: str) -> str | None:
        """A group pattern with a solution when the node bound to ``x`` violates ``shape``.

        None when the shape can never be violated (no constraint, or deactivated)."""
        if self.deactivated(shape):
            return None
        if shape in self._stack:
            raise UnsupportedShape("recursive")
        self._stack.append(shape)
        try:
            branches = [b for c in self.checks(shape) for b in c.pattern(x, self.fresh())]
            path = self.g.value(shape, SH.path)
            for prop in self.g.objects(shape, SH.property):
                if path is None:
                    inner = self.violates(prop, x)
                else:
                    w = self.fresh()
                    sub = self.violates(prop, w)
                    inner = None if sub is None else f"{x} {self.path(path)} {w} . {sub}"
                if inner is not None:
                    branches.append(inner)
        finally:
            self._stack.pop()
        if not branches:
            return None
        return " UNION ".join("{ " + b + " }" for b in branches)

    def conforms(self, shape: rdflib.term.Node, v: str) -> str:
        """A SPARQL expression: the node bound to ``v`` conforms to ``shape``."""
        pattern = self.violates(shape, v)
        return "true" if pattern is None else f"NOT EXISTS {{ {pattern} }}"

    def logical_checks(self, shape: rdflib.term.Node) -> Iterator[_Check]:
        g = self.g
        for node in g.objects(shape, SH.node):
            yield self.per_value(
                shape, "NodeConstraintComponent", lambda v, n=node: f"!({self.conforms(n, v)})"
            )
        for node in g.objects(shape, SH["not"]):
            yield self.per_value(shape, "NotConstraintComponent", lambda v, n=node: self.conforms(n, v))
        for key, name in ((SH["and"], "And"), (SH["or"], "Or"), (SH.xone, "Xone")):
            for lst in g.objects(shape, key):
                members = self.items(lst)
                yield self.per_value(shape, f"{name}ConstraintComponent", self.combine(name, members))

    def combine(self, name: str, members: list[rdflib.term.Node]) -> Callable[[str], str]:
        def bad(v: str) -> str:
            ok = [self.conforms(m, v) for m in members]
            if name == "And":
                return "!(" + " && ".join(ok or ["true"]) + ")"
            if name == "Or":
                return "!(" + " || ".join(ok or ["false"]) + ")"
            return "(" + " + ".join(f"IF({o}, 1, 0)" for o in ok or ["false"]) + ") != 1"

        return bad

    # ------------------------------------------------------------ cardinalities
    def distinct_values(self, x: str, path: str, n: int, extra: Callable[[str], str] | None = None) -> str:
        """A pattern with a solution when ``x`` has at least ``n`` distinct values (for EXISTS)."""
        vs = [self.fresh() for _ in range(n)]
        parts = [f"{x} {path} {v} ." for v in vs]
        if extra is not None:
            parts += [f"FILTER ({extra(v)})" for v in vs]
        parts += [f"FILTER (!sameTerm({a}, {b}))" for a, b in itertools.combinations(vs, 2)]
        return " ".join(parts)

    def counted(
        self,
        shape: rdflib.term.Node,
        component: str,
        n: int,
        fewer: bool,
        keep: Callable[[str], str] | None = None,
    ) -> _Check:
        """A result when the focus has fewer (or more) than ``n`` values (those ``keep`` keeps)."""
        path = self.path(self.g.value(shape, SH.path))

        def nested(x: str, v: str) -> list[str]:
            if n > 6:
                raise UnsupportedShape("cardinality")
            if fewer:
                return [
                    "FILTER (false)"
                    if n <= 0
                    else f"FILTER NOT EXISTS {{ {self.distinct_values(x, path, n, keep)} }}"
                ]
            return [f"FILTER EXISTS {{ {self.distinct_values(x, path, n + 1, keep)} }}"]

        def top(focus: str) -> str:
            cond = "" if keep is None else f" FILTER ({keep('?_c')})"
            if fewer:
                if n == 1 and keep is None:
                    return f"SELECT ?this WHERE {{ {focus} MINUS {{ ?this {path} ?_v }} }}"
                return (
                    f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?_c .{cond} }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_c) < {n})"
                )
            return (
                f"SELECT ?this WHERE {{ {focus} ?this {path} ?_c .{cond} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_c) > {n})"
            )

        return _Check(component, nested, binds_value=False, top=top)

    def count_checks(self, shape: rdflib.term.Node) -> Iterator[_Check]:
        g = self.g
        path = g.value(shape, SH.path)
        for prop, name, fewer in ((SH.minCount, "MinCount", True), (SH.maxCount, "MaxCount", False)):
            n = self.one(shape, prop)
            if n is not None:
                if path is None:
                    raise UnsupportedShape("node-shape", prop)
                yield self.counted(shape, f"{name}ConstraintComponent", self.integer(n), fewer)
        for q in g.objects(shape, SH.qualifiedValueShape):
            if path is None:
                raise UnsupportedShape("node-shape", SH.qualifiedValueShape)
            keep = self.qualifies(shape, q)
            for prop, name, fewer in (
                (SH.qualifiedMinCount, "QualifiedMinCount", True),
                (SH.qualifiedMaxCount, "QualifiedMaxCount", False),
            ):
                n = self.one(shape, prop)
                if n is not None:
                    yield self.counted(shape, f"{name}ConstraintComponent", self.integer(n), fewer, keep)
        unique = self.one(shape, SH.uniqueLang)
        if unique is not None and str(unique) == "true" and getattr(unique, "datatype", None) == XSD.boolean:
            if path is None:
                raise UnsupportedShape("node-shape", SH.uniqueLang)
            yield self.unique_lang(self.path(path))

    def qualifies(self, shape: rdflib.term.Node, q: rdflib.term.Node) -> Callable[[str], str]:
        """Conforms to q and, with sh:qualifiedValueShapesDisjoint, to none of the sibling shapes."""
        siblings: list[rdflib.term.Node] = []
        flag = self.g.value(shape, SH.qualifiedValueShapesDisjoint)
        if isinstance(flag, rdflib.Literal) and flag.toPython() is True:
            for parent in self.g.subjects(SH.property, shape):
                for sib in self.g.objects(parent, SH.property):
                    siblings += [s for s in self.g.objects(sib, SH.qualifiedValueShape) if s != q]
        only_class = set(self.g.predicates(q, None)) == {SH["class"]} and not siblings

        def keep(v: str) -> str:
            if only_class:  # the common case, kept a plain type test for the whole-graph queries
                return f"EXISTS {{ {v} {TYPE_PATH} {self.iri(self.g.value(q, SH['class']))} }}"
            parts = [self.conforms(q, v)] + [f"!({self.conforms(s, v)})" for s in siblings]
            return " && ".join(parts)

        return keep

    def unique_lang(self, path: str) -> _Check:
        def nested(x: str, v: str) -> list[str]:
            a, b = self.fresh(), self.fresh()
            return [
                f"FILTER EXISTS {{ {x} {path} {a} . {x} {path} {b} . FILTER (!sameTerm({a}, {b}) "
                f'&& LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}'
            ]

        def top(focus: str) -> str:
            return (
                f"SELECT DISTINCT ?this ?detail WHERE {{ {focus} ?this {path} ?_a . ?this {path} ?_b . "
                f'FILTER (!sameTerm(?_a, ?_b) && LANG(?_a) != "" && LCASE(LANG(?_a)) = LCASE(LANG(?_b))) '
                f"BIND (LCASE(LANG(?_a)) AS ?detail) }}"
            )

        return _Check("UniqueLangConstraintComponent", nested, binds_value=False, binds_detail=True, top=top)

    # ------------------------------------------------------------ property pairs
    def pair_checks(self, shape: rdflib.term.Node) -> Iterator[_Check]:
        g = self.g
        node_shape = g.value(shape, SH.path) is None
        for q in g.objects(shape, SH.equals):
            p = self.iri(q)
            yield _Check("EqualsConstraintComponent", lambda x, v, p=p: self.equals(shape, x, v, p))
        for q in g.objects(shape, SH.disjoint):
            p = self.iri(q)
            yield _Check(
                "DisjointConstraintComponent",
                lambda x, v, p=p: [f"{self.value_nodes(shape, x, v)} {x} {p} {v} ."],
            )
        for key, name, op in (
            (SH.lessThan, "LessThan", "<"),
            (SH.lessThanOrEquals, "LessThanOrEquals", "<="),
        ):
            for q in g.objects(shape, key):
                if node_shape:
                    raise UnsupportedShape("node-shape", key)
                p = self.iri(q)

                def pattern(x: str, v: str, p: str = p, op: str = op) -> list[str]:
                    w = "?detail" if v == "?value" else self.fresh()  # a result per pair of values
                    return [
                        f"{self.value_nodes(shape, x, v)} {x} {p} {w} . "
                        f"FILTER (!COALESCE({v} {op} {w}, false))"
                    ]

                yield _Check(f"{name}ConstraintComponent", pattern, binds_detail=True)

    def equals(self, shape: rdflib.term.Node, x: str, v: str, p: str) -> list[str]:
        vn = self.value_nodes(shape, x, v)
        if self.g.value(shape, SH.path) is None:
            return [f"{vn} FILTER NOT EXISTS {{ {x} {p} {x} }}", f"{x} {p} {v} FILTER (!sameTerm({v}, {x}))"]
        path = self.path(self.g.value(shape, SH.path))
        return [
            f"{vn} FILTER NOT EXISTS {{ {x} {p} {v} }}",
            f"{x} {p} {v} FILTER NOT EXISTS {{ {x} {path} {v} }}",
        ]

    # ------------------------------------------------------------ hasValue, closed, SPARQL
    def other_checks(self, shape: rdflib.term.Node) -> Iterator[_Check]:
        g = self.g
        for value in g.objects(shape, SH.hasValue):
            t = self.term(value)
            path = g.value(shape, SH.path)
            if path is None:
                yield _Check(
                    "HasValueConstraintComponent", lambda x, v, t=t: [f"FILTER (!sameTerm({x}, {t}))"], False
                )
            else:
                p = self.path(path)
                yield _Check(
                    "HasValueConstraintComponent",
                    lambda x, v, p=p, t=t: [
                        f"FILTER NOT EXISTS {{ {x} {p} ?_h . FILTER (sameTerm(?_h, {t})) }}".replace(
                            "?_h", self.fresh()
                        )
                    ],
                    False,
                )
        closed = self.one(shape, SH.closed)
        if isinstance(closed, rdflib.Literal) and closed.toPython() is True:
            yield self.closed(shape)
        for constraint in g.objects(shape, SH.sparql):
            yield self.sparql(shape, constraint)

    def closed(self, shape: rdflib.term.Node) -> _Check:
        paths = [self.g.value(p, SH.path) for p in self.g.objects(shape, SH.property)]
        allowed = {a for a in paths if isinstance(a, rdflib.URIRef)}
        ignored = self.g.value(shape, SH.ignoredProperties)
        if ignored is not None:
            allowed |= {i for i in self.items(ignored) if isinstance(i, rdflib.URIRef)}
        terms = [f"<{a}>" for a in sorted(allowed)]

        def pattern(x: str, v: str) -> list[str]:
            n, p = self.fresh(), "?path" if v == "?value" else self.fresh()
            return [f"{self.value_nodes(shape, x, n)} {n} {p} {v} . FILTER ({self.not_among(p, terms)})"]

        return _Check("ClosedConstraintComponent", pattern, binds_path=True)

    def sparql(self, shape: rdflib.term.Node, constraint: rdflib.term.Node) -> _Check:
        """A project SPARQL constraint: its SELECT joined with the focus nodes (pyshacl agrees: tests)."""
        if self.deactivated(constraint):
            raise UnsupportedShape("deactivated")
        select = str(self.g.value(constraint, SH.select)).replace("$this", "?this")
        prefixes = []
        for onto in self.g.objects(constraint, SH.prefixes):
            for decl in self.g.objects(onto, SH.declare):
                prefixes.append(
                    f"PREFIX {self.g.value(decl, SH.prefix)}: <{self.g.value(decl, SH.namespace)}>"
                )
        prologue = "\n".join(sorted(set(prefixes))) + "\n"

        def nested(x: str, v: str) -> list[str]:
            raise UnsupportedShape("nested-sparql")

        return _Check(
            "SPARQLConstraintComponent",
            nested,
            binds_path=True,
            top=lambda focus: prologue + f"SELECT ?this ?value ?path WHERE {{ {focus} {{ {select} }} }}",
        )

    # ------------------------------------------------------------ whole queries
    def compile(self, rule: rdflib.term.Node) -> list[CompiledQuery]:
        """The queries of a targeted shape and of the property shapes nested in it (sh:property)."""
        if self.deactivated(rule):
            return []
        out: list[CompiledQuery] = []
        self.compile_into(rule, rule, lambda var: self.focus(rule, var), out)
        for q in out:
            if len(q.query) > MAX_QUERY:
                raise UnsupportedShape("long")
        return out

    def compile_into(
        self,
        rule: rdflib.term.Node,
        shape: rdflib.term.Node,
        focus: Callable[[str], str],
        out: list[CompiledQuery],
        vias: tuple[str, ...] = (),
    ) -> None:
        """Queries of a shape and of its nested property shapes, whose focus nodes are its values.

        ``vias`` are the variables of the parent focus nodes a nested focus node was reached
        from: SHACL reports a nested result once per parent (W3C property-001)."""
        if self.deactivated(shape):
            return
        if shape in self._stack:
            raise UnsupportedShape("recursive")
        self._stack.append(shape)
        try:
            self.compile_shape(rule, shape, focus, out, vias)
            path = self.g.value(shape, SH.path)
            for prop in self.g.objects(shape, SH.property):
                if path is None:
                    self.compile_into(rule, prop, focus, out, vias)
                    continue
                p, via = self.path(path), f"?_via{len(vias)}"

                def child(var: str, p: str = p, via: str = via, vias: tuple[str, ...] = vias) -> str:
                    parent = self.fresh()
                    keep = " ".join(vias)
                    return (
                        f"{{ SELECT DISTINCT {keep} {via} {var} WHERE {{ "
                        f"{focus(parent)} {parent} {p} {var} . "
                        f"BIND ({parent} AS {via}) }} }}"
                    )

                self.compile_into(rule, prop, child, out, vias + (via,))
        finally:
            self._stack.pop()

    def compile_shape(
        self,
        rule: rdflib.term.Node,
        shape: rdflib.term.Node,
        focus: Callable[[str], str],
        out: list[CompiledQuery],
        vias: tuple[str, ...] = (),
    ) -> None:
        path = self.g.value(shape, SH.path)
        path_text = self.path(path) if path is not None else None
        severity = self.severity(shape)
        for check in self.checks(shape):
            f = focus("?this")
            if check.top is not None:
                query = check.top(f)
            else:
                head = (
                    "SELECT ?this"
                    + (" ?value" if check.binds_value else "")
                    + (" ?path" if check.binds_path else "")
                )
                head += " ?detail" if check.binds_detail else ""
                head += "".join(" " + v for v in vias)
                branches = check.pattern("?this", "?value")
                if len(branches) == 1:
                    query = f"{head} WHERE {{ {f} {branches[0]} }}"
                else:
                    query = f"{head} WHERE {{ " + " UNION ".join(f"{{ {f} {b} }}" for b in branches) + " }"
            out.append(
                CompiledQuery(
                    rule=str(rule),
                    severity=severity,
                    component=str(SH[check.component]),
                    query=query,
                    path=path if path is not None else None,
                    binds_value=check.binds_value or check.component == "SPARQLConstraintComponent",
                    shape=shape,
                    path_text=path_text,
                    binds_detail=check.binds_detail,
                    vias=vias if check.top is None else (),
                )
            )


def targeted_shapes(g: rdflib.Graph) -> list[rdflib.term.Node]:
    """Every shape with a target (explicit, or implicit: a shape that is also a class), sorted."""
    keys = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    found = {s for k in keys for s in g.subjects(k, None) if s is not None}
    for kind in (SH.NodeShape, SH.PropertyShape):
        for s in g.subjects(RDF.type, kind):
            if any((s, RDF.type, c) in g for c in (RDFS.Class, OWL.Class)):
                found.add(s)
    return sorted(found, key=lambda n: (isinstance(n, rdflib.BNode), str(n)))


def path_text(g: rdflib.Graph, node: rdflib.term.Node) -> str:
    """A SHACL path node (of any graph, a report included) in SPARQL syntax."""
    return Compiler(g).path(node)


_TOKEN = re.compile(r"\s*(<[^>]*>|[()/|^*+?])")


def parse_path(text: str, g: rdflib.Graph) -> rdflib.term.Node:
    """The SHACL path structure of a SPARQL path written by ``Compiler.path`` (added to ``g``)."""
    tokens = [m.group(1) for m in _TOKEN.finditer(text)]
    pos = 0

    def alternative() -> rdflib.term.Node:
        nonlocal pos
        options = [sequence()]
        while pos < len(tokens) and tokens[pos] == "|":
            pos += 1
            options.append(sequence())
        return options[0] if len(options) == 1 else _node(g, SH.alternativePath, _list(g, options))

    def sequence() -> rdflib.term.Node:
        nonlocal pos
        steps = [unary()]
        while pos < len(tokens) and tokens[pos] == "/":
            pos += 1
            steps.append(unary())
        return steps[0] if len(steps) == 1 else _list(g, steps)

    def unary() -> rdflib.term.Node:
        nonlocal pos
        if tokens[pos] == "^":
            pos += 1
            return _node(g, SH.inversePath, unary())
        if tokens[pos] == "(":
            pos += 1
            inner = alternative()
            pos += 1  # ")"
        else:
            inner = rdflib.URIRef(tokens[pos][1:-1])
            pos += 1
        ops = {"*": SH.zeroOrMorePath, "+": SH.oneOrMorePath, "?": SH.zeroOrOnePath}
        if pos < len(tokens) and tokens[pos] in ops:
            inner = _node(g, ops[tokens[pos]], inner)
            pos += 1
        return inner

    return alternative()


def _node(g: rdflib.Graph, prop: rdflib.URIRef, value: rdflib.term.Node) -> rdflib.BNode:
    b = rdflib.BNode()
    g.add((b, prop, value))
    return b


def _list(g: rdflib.Graph, items: list[rdflib.term.Node]) -> rdflib.BNode:
    head = rdflib.BNode()
    Collection(g, head, items)
    return head
