"""Messages for people of a result: the shape's own sh:message, else one per SHACL component.

A user's shapes often carry no sh:message: the report then says, in French or English, what the
constraint asks (« « intitulé » doit avoir au moins 1 valeur »), naming classes, properties and
values by their labels. ``expected`` says what was expected (the values of a list, a class…).
"""

from __future__ import annotations

import re
import unicodedata

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, SKOS

from .naming import Namer

# component local name -> (French, English); {path} {n} {class} {value} {other} {shape} are filled in.
GENERIC = {
    "ClassConstraintComponent": (
        "la valeur doit être une ressource de type « {class} ».",
        "the value must be a resource of type “{class}”.",
    ),
    "DatatypeConstraintComponent": (
        "la valeur doit être un littéral bien formé de type {datatype}.",
        "the value must be a well-formed literal of type {datatype}.",
    ),
    "NodeKindConstraintComponent": ("la valeur doit être {kind}.", "the value must be {kind}."),
    "MinCountConstraintComponent": (
        "« {path} » doit avoir au moins {n} valeur(s).",
        "“{path}” must have at least {n} value(s).",
    ),
    "MaxCountConstraintComponent": (
        "« {path} » doit avoir au plus {n} valeur(s).",
        "“{path}” must have at most {n} value(s).",
    ),
    "MinExclusiveConstraintComponent": (
        "la valeur doit être strictement supérieure à {value}.",
        "the value must be greater than {value}.",
    ),
    "MinInclusiveConstraintComponent": (
        "la valeur doit être supérieure ou égale à {value}.",
        "the value must be at least {value}.",
    ),
    "MaxExclusiveConstraintComponent": (
        "la valeur doit être strictement inférieure à {value}.",
        "the value must be less than {value}.",
    ),
    "MaxInclusiveConstraintComponent": (
        "la valeur doit être inférieure ou égale à {value}.",
        "the value must be at most {value}.",
    ),
    "MinLengthConstraintComponent": (
        "la valeur doit compter au moins {n} caractères.",
        "the value must have at least {n} characters.",
    ),
    "MaxLengthConstraintComponent": (
        "la valeur doit compter au plus {n} caractères.",
        "the value must have at most {n} characters.",
    ),
    "PatternConstraintComponent": (
        "la valeur ne suit pas la forme attendue (motif {pattern}).",
        "the value does not have the expected form (pattern {pattern}).",
    ),
    "LanguageInConstraintComponent": (
        "la langue de la valeur doit être l'une de : {langs}.",
        "the language of the value must be one of: {langs}.",
    ),
    "UniqueLangConstraintComponent": (
        "« {path} » a plusieurs valeurs dans la même langue.",
        "“{path}” has several values in the same language.",
    ),
    "InConstraintComponent": (
        "la valeur doit être l'une de celles de la liste.",
        "the value must be one of those of the list.",
    ),
    "HasValueConstraintComponent": (
        "« {path} » doit avoir la valeur {value}.",
        "“{path}” must have the value {value}.",
    ),
    "EqualsConstraintComponent": (
        "« {path} » et « {other} » doivent avoir les mêmes valeurs.",
        "“{path}” and “{other}” must have the same values.",
    ),
    "DisjointConstraintComponent": (
        "« {path} » et « {other} » ne doivent avoir aucune valeur commune.",
        "“{path}” and “{other}” must have no value in common.",
    ),
    "LessThanConstraintComponent": (
        "chaque valeur de « {path} » doit être inférieure à celles de « {other} ».",
        "each value of “{path}” must be less than those of “{other}”.",
    ),
    "LessThanOrEqualsConstraintComponent": (
        "chaque valeur de « {path} » doit être inférieure ou égale à celles de « {other} ».",
        "each value of “{path}” must be at most those of “{other}”.",
    ),
    "NodeConstraintComponent": (
        "la valeur doit respecter la forme « {shape} ».",
        "the value must conform to the shape “{shape}”.",
    ),
    "NotConstraintComponent": (
        "la valeur ne doit pas respecter la forme « {shape} ».",
        "the value must not conform to the shape “{shape}”.",
    ),
    "AndConstraintComponent": (
        "la valeur doit respecter toutes les formes de la liste.",
        "the value must conform to every shape of the list.",
    ),
    "OrConstraintComponent": (
        "la valeur doit respecter au moins une des formes de la liste.",
        "the value must conform to at least one shape of the list.",
    ),
    "XoneConstraintComponent": (
        "la valeur doit respecter exactement une des formes de la liste.",
        "the value must conform to exactly one shape of the list.",
    ),
    "QualifiedMinCountConstraintComponent": (
        "« {path} » doit avoir au moins {n} valeur(s) conforme(s) à la forme « {shape} ».",
        "“{path}” must have at least {n} value(s) conforming to the shape “{shape}”.",
    ),
    "QualifiedMaxCountConstraintComponent": (
        "« {path} » doit avoir au plus {n} valeur(s) conforme(s) à la forme « {shape} ».",
        "“{path}” must have at most {n} value(s) conforming to the shape “{shape}”.",
    ),
    "ClosedConstraintComponent": (
        "la propriété « {path} » n'est pas permise par cette forme fermée.",
        "the property “{path}” is not allowed by this closed shape.",
    ),
    "SPARQLConstraintComponent": (
        "la contrainte SPARQL de la forme n'est pas respectée.",
        "the SPARQL constraint of the shape is not met.",
    ),
}
KINDS = {
    "IRI": ("une IRI", "an IRI"),
    "BlankNode": ("un nœud anonyme", "a blank node"),
    "Literal": ("un littéral", "a literal"),
    "BlankNodeOrIRI": ("une IRI ou un nœud anonyme", "an IRI or a blank node"),
    "BlankNodeOrLiteral": ("un littéral ou un nœud anonyme", "a literal or a blank node"),
    "IRIOrLiteral": ("une IRI ou un littéral", "an IRI or a literal"),
}
_PARAM = {
    "MinCountConstraintComponent": SH.minCount,
    "MaxCountConstraintComponent": SH.maxCount,
    "MinLengthConstraintComponent": SH.minLength,
    "MaxLengthConstraintComponent": SH.maxLength,
    "QualifiedMinCountConstraintComponent": SH.qualifiedMinCount,
    "QualifiedMaxCountConstraintComponent": SH.qualifiedMaxCount,
    "MinExclusiveConstraintComponent": SH.minExclusive,
    "MinInclusiveConstraintComponent": SH.minInclusive,
    "MaxExclusiveConstraintComponent": SH.maxExclusive,
    "MaxInclusiveConstraintComponent": SH.maxInclusive,
    "HasValueConstraintComponent": SH.hasValue,
}
_OTHER = {
    "EqualsConstraintComponent": SH.equals,
    "DisjointConstraintComponent": SH.disjoint,
    "LessThanConstraintComponent": SH.lessThan,
    "LessThanOrEqualsConstraintComponent": SH.lessThanOrEquals,
}
_TEMPLATE = re.compile(r"\{[$?](\w+)\}")


def shape_label(g: rdflib.Graph, shape: rdflib.term.Node | None, lang: str) -> str:
    if shape is None:
        return ""
    for p in (SH.name, rdflib.RDFS.label):
        for o in g.objects(shape, p):
            if isinstance(o, rdflib.Literal) and (o.language or lang) == lang:
                return str(o)
    if isinstance(shape, rdflib.URIRef):
        from .shapes import rule_name

        return rule_name(str(shape))
    return "sans nom" if lang == "fr" else "unnamed"


def path_label(namer: Namer, path_text: str | None) -> str:
    """A SPARQL path for people: each IRI by its label (« ^intitulé / code »)."""
    if not path_text:
        return ""
    text = re.sub(r"<([^>]*)>", lambda m: namer.vocab_label(rdflib.URIRef(m.group(1))), path_text)
    return text.replace("/", " / ").replace("|", " | ")


def _params(
    g: rdflib.Graph, shape: rdflib.term.Node, component: str, namer: Namer, lang: str
) -> dict[str, str]:
    out: dict[str, str] = {}
    param = _PARAM.get(component)
    if param is not None:
        value = g.value(shape, param)
        out["n"] = out["value"] = namer.value(value) if value is not None else ""
    other = _OTHER.get(component)
    other_prop = g.value(shape, other) if other is not None else None
    if other_prop is not None:
        out["other"] = namer.vocab_label(other_prop)
    cls = g.value(shape, SH["class"])
    out["class"] = namer.vocab_label(cls) if cls is not None else ""
    dt = g.value(shape, SH.datatype)
    out["datatype"] = namer.vocab_label(dt) if dt is not None else ""
    kind = g.value(shape, SH.nodeKind)
    if kind is not None:
        fr, en = KINDS.get(str(kind).rsplit("#", 1)[-1], (str(kind), str(kind)))
        out["kind"] = en if lang == "en" else fr
    pattern = g.value(shape, SH.pattern)
    out["pattern"] = str(pattern) if pattern is not None else ""
    langs = g.value(shape, SH.languageIn)
    out["langs"] = ", ".join(str(x) for x in Collection(g, langs)) if langs is not None else ""
    nested = g.value(shape, SH.node) or g.value(shape, SH["not"]) or g.value(shape, SH.qualifiedValueShape)
    out["shape"] = shape_label(g, nested, lang)
    return out


def generic(
    g: rdflib.Graph, shape: rdflib.term.Node | None, component: str, namer: Namer, lang: str, path: str
) -> str:
    """The message of a component for a shape that says nothing itself."""
    key = component.rsplit("#", 1)[-1]
    fr, en = GENERIC.get(key, ("la contrainte n'est pas respectée.", "the constraint is not met."))
    params = (_params(g, shape, key, namer, lang) if shape is not None else {}) | {"path": path}
    text = en if lang == "en" else fr
    return text.format_map(_Missing(params))


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return ""


def expected(g: rdflib.Graph, shape: rdflib.term.Node | None, component: str, namer: Namer) -> str | None:
    """What a constraint expects, for people: the values of sh:in, a class, a datatype."""
    if shape is None:
        return None
    key = component.rsplit("#", 1)[-1]
    if key == "InConstraintComponent":
        head = g.value(shape, SH["in"])
        if head is not None:
            return ", ".join(namer.value(m) for m in Collection(g, head))
    if key == "ClassConstraintComponent":
        cls = g.value(shape, SH["class"])
        if cls is None:
            return None
        # A class that is a code list of the vocabulary: its values; otherwise the class itself.
        members = [_member(namer, m, cls) for m in namer.vocab.subjects(RDF.type, cls)]
        if 0 < len(members) <= 30:
            return ", ".join(sorted(set(members), key=_sort_key))
        return namer.vocab_label(cls)
    if key == "DatatypeConstraintComponent":
        dt = g.value(shape, SH.datatype)
        return namer.vocab_label(dt) if dt is not None else None
    return None


# Code lists whose values people give by their code (CQP, CQPM…) rather than by their label.
BY_NOTATION = {rdflib.URIRef("https://w3id.org/cqpi/def#TypeCertification")}


def _member(namer: Namer, node: rdflib.term.Node, cls: rdflib.term.Node) -> str:
    if cls in BY_NOTATION:
        notation = namer.vocab.value(node, SKOS.notation)
        if notation is not None:
            return str(notation)
    return namer.vocab_label(node)


def _sort_key(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def fill(template: str, names: dict[str, str]) -> str:
    """sh:message templates: {$this}, {?value}, {$PATH} replaced by their names for people."""
    return _TEMPLATE.sub(lambda m: names.get(m.group(1), m.group(0)), template)


def own_message(
    g: rdflib.Graph, shape: rdflib.term.Node | None, lang: str, pyshacl: tuple[tuple[str, str], ...] = ()
) -> str | None:
    """The shape's own sh:message in the language (or pyshacl's result message), if any.

    pyshacl drops the language tag of the messages it fills in: its untagged ones come last."""
    for tag, text in pyshacl:
        if tag == lang:
            return text
    found: dict[str, str] = {}
    if shape is not None:
        for node in [shape, *g.objects(shape, SH.sparql)]:
            for o in g.objects(node, SH.message):
                if isinstance(o, rdflib.Literal):
                    found.setdefault(o.language or "", str(o))
    for wanted in (lang, "", "fr", "en"):
        if wanted in found:
            return found[wanted]
    return pyshacl[0][1] if pyshacl else None
