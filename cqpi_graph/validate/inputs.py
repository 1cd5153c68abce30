"""Read the files a branch submits: RDF (Turtle, JSON-LD, RDF/XML, N-Triples) or the spreadsheet template."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib

from ..errors import InputError

RDF_EXTENSIONS = {
    ".ttl": ("Turtle", ox.RdfFormat.TURTLE),
    ".turtle": ("Turtle", ox.RdfFormat.TURTLE),
    ".jsonld": ("JSON-LD", ox.RdfFormat.JSON_LD),
    ".json": ("JSON-LD", ox.RdfFormat.JSON_LD),
    ".rdf": ("RDF/XML", ox.RdfFormat.RDF_XML),
    ".owl": ("RDF/XML", ox.RdfFormat.RDF_XML),
    ".xml": ("RDF/XML", ox.RdfFormat.RDF_XML),
    ".nt": ("N-Triples", ox.RdfFormat.N_TRIPLES),
}
SPREADSHEET_EXTENSIONS = {".xlsx", ".csv"}
ACCEPTED_RDF = "Turtle (.ttl), JSON-LD (.jsonld), RDF/XML (.rdf), N-Triples (.nt)"
ACCEPTED = "Turtle (.ttl), JSON-LD (.jsonld), RDF/XML (.rdf), N-Triples (.nt), modèle tableur XLSX ou CSV"


def _term(t: object) -> rdflib.term.Node:
    """An Oxigraph term as rdflib's, a literal kept as written ("1"^^xsd:boolean stays "1")."""
    if isinstance(t, ox.Literal) and not t.language:
        dt = t.datatype.value
        if dt != str(rdflib.XSD.string):
            return rdflib.Literal(t.value, datatype=rdflib.URIRef(dt), normalize=False)
        return rdflib.Literal(t.value)
    if isinstance(t, ox.Literal):
        return rdflib.Literal(t.value, lang=t.language)
    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    assert isinstance(t, ox.BlankNode)
    return rdflib.BNode(t.value)


def parse_rdf(
    path: Path, fmt_name: str, fmt: ox.RdfFormat, graph: rdflib.Graph | None = None
) -> rdflib.Graph:
    """Parse an RDF file completely; a syntax error names the format, the line and the column."""
    g = graph if graph is not None else rdflib.Graph()
    try:
        for t in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri()):
            if isinstance(t.subject, ox.Triple) or isinstance(t.object, ox.Triple):
                continue
            g.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    except SyntaxError as exc:
        line = col = None
        if len(exc.args) > 1 and isinstance(exc.args[1], tuple) and len(exc.args[1]) > 2:
            line, col = exc.args[1][1], exc.args[1][2]
        msg = str(exc.args[0]) if exc.args else str(exc)
        raise InputError(
            f"{fmt_name} illisible : {msg}",
            file=str(path),
            line=line,
            column=col,
            expected=f"un fichier {fmt_name} valide",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"fichier illisible : {exc}", file=str(path), expected=fmt_name) from None
    return g


def load_rdf(path: Path | str) -> rdflib.Graph:
    """An RDF file (a user's shapes, for one): Turtle, JSON-LD, RDF/XML or N-Triples."""
    path = Path(path)
    if not path.is_file():
        raise InputError("fichier introuvable", file=str(path), expected=ACCEPTED_RDF)
    ext = path.suffix.lower()
    if ext not in RDF_EXTENSIONS:
        raise InputError(
            f"extension « {ext or '(aucune)'} » non reconnue", file=str(path), expected=ACCEPTED_RDF
        )
    name, fmt = RDF_EXTENSIONS[ext]
    return parse_rdf(path, name, fmt)


def load(path: Path | str) -> rdflib.Graph:
    """An input file as an rdflib graph. Spreadsheets give a SheetGraph that knows its cells."""
    path = Path(path)
    if not path.is_file():
        raise InputError("fichier introuvable", file=str(path), expected=ACCEPTED)
    ext = path.suffix.lower()
    if ext in SPREADSHEET_EXTENSIONS:
        from .spreadsheet import convert_spreadsheet

        return convert_spreadsheet(path)
    if ext in RDF_EXTENSIONS:
        name, fmt = RDF_EXTENSIONS[ext]
        return parse_rdf(path, name, fmt)
    raise InputError(f"extension « {ext or '(aucune)'} » non reconnue", file=str(path), expected=ACCEPTED)
