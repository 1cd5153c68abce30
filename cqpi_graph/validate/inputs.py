"""Read the files a branch submits: RDF (Turtle, JSON-LD, RDF/XML, N-Triples) or the spreadsheet template.

A submitted file is untrusted: it is parsed in a child process under limits
(cqpi_graph.sandbox), after the checks its format allows (cqpi_graph.untrusted), and comes
back as N-Triples, which this process reads in linear time and bounded memory.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib

from .. import sandbox
from ..errors import InputError
from ..messages import Message, Quoted, msg
from ..untrusted import check_json, check_xml

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
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
SPREADSHEET_EXTENSIONS = {".xlsx", ".csv"}
ACCEPTED_RDF = "Turtle (.ttl), JSON-LD (.jsonld), RDF/XML (.rdf), N-Triples (.nt)"
ACCEPTED = msg(
    "Turtle (.ttl), JSON-LD (.jsonld), RDF/XML (.rdf), N-Triples (.nt), modèle tableur XLSX ou CSV"
)


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
    """Parse an RDF file completely (in a child process, under limits); a syntax error names the
    format, the line and the column."""
    g = graph if graph is not None else rdflib.Graph()
    # Formats do not pickle (the fork server's children get their arguments pickled): by name.
    name = next(n for n, f in FORMATS.items() if f == fmt)
    if sandbox.in_child():
        data = rdf_as_ntriples(path, fmt_name, name)
    else:
        data = sandbox.call(rdf_as_ntriples, path, fmt_name, name, name=str(path))
    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        g.add((_term(t.subject), _term(t.predicate), _term(t.object)))
    return g


def rdf_as_ntriples(path: Path, fmt_name: str, format_name: str) -> bytes:
    """What the parse child does: check, parse, and give the triples back as N-Triples."""
    fmt = FORMATS[format_name]
    try:
        if fmt == ox.RdfFormat.JSON_LD:
            check_json(path.read_bytes(), str(path))
        elif fmt == ox.RdfFormat.RDF_XML:
            with open(path, "rb") as fh:
                check_xml(fh, str(path))
        triples = (
            t
            for t in ox.parse(path=str(path), format=fmt, base_iri=path.resolve().as_uri())
            if not isinstance(t.subject, ox.Triple) and not isinstance(t.object, ox.Triple)
        )
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    except SyntaxError as exc:
        line = col = None
        if len(exc.args) > 1 and isinstance(exc.args[1], tuple) and len(exc.args[1]) > 2:
            line, col = exc.args[1][1], exc.args[1][2]
        detail = str(exc.args[0]) if exc.args else str(exc)  # the parser's own words
        raise InputError(
            msg("{format} illisible : {detail}", format=fmt_name, detail=Quoted(detail)),
            file=str(path),
            line=line,
            column=col,
            expected=msg("un fichier {format} valide", format=fmt_name),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            msg("fichier illisible : {detail}", detail=Quoted(str(exc))), file=str(path), expected=fmt_name
        ) from None


def load_rdf(path: Path | str) -> rdflib.Graph:
    """An RDF file (a user's shapes, for one): Turtle, JSON-LD, RDF/XML or N-Triples."""
    path = Path(path)
    if not path.is_file():
        raise InputError(msg("fichier introuvable"), file=str(path), expected=ACCEPTED_RDF)
    ext = path.suffix.lower()
    if ext not in RDF_EXTENSIONS:
        raise InputError(_unknown_ext(ext), file=str(path), expected=ACCEPTED_RDF)
    name, fmt = RDF_EXTENSIONS[ext]
    return parse_rdf(path, name, fmt)


def load(path: Path | str) -> rdflib.Graph:
    """An input file as an rdflib graph. Spreadsheets give a SheetGraph that knows its cells."""
    path = Path(path)
    if not path.is_file():
        raise InputError(msg("fichier introuvable"), file=str(path), expected=ACCEPTED)
    ext = path.suffix.lower()
    if ext in SPREADSHEET_EXTENSIONS:
        from .spreadsheet import convert_spreadsheet

        return convert_spreadsheet(path)
    if ext in RDF_EXTENSIONS:
        name, fmt = RDF_EXTENSIONS[ext]
        return parse_rdf(path, name, fmt)
    raise InputError(_unknown_ext(ext), file=str(path), expected=ACCEPTED)


def _unknown_ext(ext: str) -> Message:
    return msg("extension « {ext} » non reconnue", ext=ext or msg("(aucune)"))
