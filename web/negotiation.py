"""Content negotiation of the web view, decided in one place.

One table of the representations the site serves (SPARQL results, RDF graphs and datasets, HTML)
with the names clients use for them: `format=`, `output=` and `results=` values (SPARQLWrapper
sends all three, sometimes twice: `format=rdf+xml&format=application/rdf+xml`), file suffixes and
media types. `pick` chooses among the representations an answer offers, from those parameters
first, then from `Accept`; nothing acceptable raises `NotAcceptable`, answered 406 with the list
of what is offered. `alternates_link` writes the `Link` header to every representation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import Flask, Response, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.wrappers import Response as BaseResponse

FORMATS_NS = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    key: str  # our name, the one given in `format=`
    media: str  # media type of the answer
    name: str  # for people: "Turtle"
    kind: str  # "results" (SELECT/ASK), "graph" (RDF triples), "dataset" (quads), "html"
    suffix: str = ""  # file suffix of a representation URL (resources)
    store: str = ""  # the store's format name (cqpi_graph.store RDF_FORMATS / RESULT_FORMATS)
    aliases: tuple[str, ...] = ()  # other `format=` values and media types meaning this format
    w3c: str = ""  # IRI in http://www.w3.org/ns/formats/ (service description)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.key, self.media, *self.aliases)


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        "SPARQL JSON",
        "results",
        store="json",
        aliases=(
            "srj",
            "sparql-results+json",
            "application/json",
            "text/javascript",
            "application/javascript",
        ),
        w3c=FORMATS_NS + "SPARQL_Results_JSON",
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        "SPARQL XML",
        "results",
        store="xml",
        aliases=("srx", "sparql-results+xml", "application/xml", "text/xml"),
        w3c=FORMATS_NS + "SPARQL_Results_XML",
    ),
    Format(
        "csv",
        "text/csv",
        "CSV",
        "results",
        store="csv",
        aliases=("text/comma-separated-values",),
        w3c=FORMATS_NS + "SPARQL_Results_CSV",
    ),
    Format(
        "tsv",
        "text/tab-separated-values",
        "TSV",
        "results",
        store="tsv",
        aliases=("tab",),
        w3c=FORMATS_NS + "SPARQL_Results_TSV",
    ),
    Format(
        "turtle",
        "text/turtle",
        "Turtle",
        "graph",
        ".ttl",
        "turtle",
        ("ttl", "application/turtle", "application/x-turtle"),
        FORMATS_NS + "Turtle",
    ),
    Format(
        "ntriples",
        "application/n-triples",
        "N-Triples",
        "graph",
        ".nt",
        "ntriples",
        ("nt", "n-triples", "text/plain"),
        FORMATS_NS + "N-Triples",
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        "RDF/XML",
        "graph",
        ".rdf",
        "rdfxml",
        ("rdf", "rdf+xml", "rdf-xml", "owl"),
        FORMATS_NS + "RDF_XML",
    ),
    Format(
        "jsonld",
        "application/ld+json",
        "JSON-LD",
        "graph",
        ".jsonld",
        "jsonld",
        ("json-ld", "ld+json", "application/x-json+ld"),
        FORMATS_NS + "JSON-LD",
    ),
    # Turtle is N3: the same bytes, labelled for the clients that ask for N3.
    Format(
        "n3",
        "text/n3",
        "N3",
        "graph",
        "",
        "turtle",
        ("text/rdf+n3", "application/n3", "rdf+n3"),
        FORMATS_NS + "N3",
    ),
    Format(
        "trig",
        "application/trig",
        "TriG",
        "dataset",
        ".trig",
        "trig",
        ("application/x-trig",),
        FORMATS_NS + "TriG",
    ),
    Format(
        "nquads",
        "application/n-quads",
        "N-Quads",
        "dataset",
        ".nq",
        "nquads",
        ("nq", "n-quads", "text/x-nquads"),
        FORMATS_NS + "N-Quads",
    ),
    Format("html", "text/html", "HTML", "html", ".html", aliases=("application/xhtml+xml",)),
)
BY_KEY = {f.key: f for f in FORMATS}
RESULTS = tuple(f for f in FORMATS if f.kind == "results")
GRAPHS = tuple(f for f in FORMATS if f.kind == "graph")
# A graph (CONSTRUCT, DESCRIBE, a resource) can be written in a dataset format too (default graph).
RDF = GRAPHS + tuple(f for f in FORMATS if f.kind == "dataset")
HTML = BY_KEY["html"]
# Results format → graph format when a `format=` value names one and the answer is the other
# (`format=json` on a CONSTRUCT: JSON-LD; `format=xml`: RDF/XML), as Virtuoso and Fuseki do.
COMPANION = {
    "json": "jsonld",
    "xml": "rdfxml",
    "csv": "turtle",
    "tsv": "turtle",
    "jsonld": "json",
    "rdfxml": "xml",
}
PARAMS = ("format", "output", "results")


class NotAcceptable(Exception):
    """Nothing the request accepts is offered (answered 406), or an unknown `format=` (400)."""

    def __init__(self, offered: Sequence[Format], asked: str = "", status: int = 406) -> None:
        super().__init__(asked)
        self.offered = tuple(offered)
        self.asked = asked
        self.status = status

    def response(self) -> Response:
        listing = "\n".join(f"  {f.media}  (format={f.key})" for f in self.offered)
        if self.status == 400:
            head = f"format inconnu : {self.asked} (unknown format). Formats offerts (offered):"
        else:
            head = (
                f"aucun des formats demandés n'est offert (not acceptable: {self.asked or 'Accept'}). "
                f"Formats offerts (offered):"
            )
        resp = Response(f"{head}\n{listing}\n", status=self.status, mimetype="text/plain")
        resp.headers["Content-Type"] = "text/plain; charset=utf-8"
        resp.vary.add("Accept")
        return resp


def by_name(value: str, offered: Iterable[Format] = FORMATS) -> Format | None:
    """The format a `format=` value or a media type names, among `offered` (case and parameters ignored)."""
    name = value.split(";")[0].strip().lower()
    for f in offered:
        if name in f.names:
            return f
    return None


def asked_names() -> list[str]:
    """`format=`, `output=` and `results=` values of the request, in that order."""
    return [v for p in PARAMS for v in request.values.getlist(p) if v.strip()]


def from_params(offered: Sequence[Format]) -> Format | None:
    """The first `format=`/`output=`/`results=` value naming an offered format, directly or through
    its companion (`format=json` on a CONSTRUCT: JSON-LD). None when no parameter is given, or
    when the values only name formats of another kind (SPARQLWrapper sends `format=turtle` with
    `Accept: */*` on a SELECT): Accept decides then. NotAcceptable(400) when they name nothing
    known."""
    names = asked_names()
    known = [f for f in (by_name(v) for v in names) if f is not None]
    for f in known:
        if f in offered:
            return f
        companion = BY_KEY.get(COMPANION.get(f.key, ""))
        if companion in offered:
            return companion
    if names and not known:
        raise NotAcceptable(offered, ", ".join(names), status=400)
    return None


def from_accept(offered: Sequence[Format], accept: MIMEAccept | None = None) -> Format | None:
    """The offered format the Accept header prefers (ties: the order of `offered`); the first one
    when there is no Accept header; None when nothing offered is acceptable."""
    accept = request.accept_mimetypes if accept is None else accept
    if not accept:
        return offered[0] if offered else None
    mentioned = {v.lower() for v in accept.values()}
    best: tuple[float, int, int] | None = None
    chosen = None
    for rank, f in enumerate(offered):
        media = [f.media, *(a for a in f.aliases if "/" in a)]
        q = max(accept.quality(m) for m in media)
        # At the same quality a type named in Accept beats one matched by */* (`text/turtle, */*`
        # is Turtle even where HTML is offered first), then the order of `offered` decides.
        key = (q, int(any(m in mentioned for m in media)), -rank)
        if q > 0 and (best is None or key > best):
            best, chosen = key, f
    return chosen


def pick(offered: Sequence[Format]) -> Format:
    """The representation to send: `format=`/`output=`/`results=`, else Accept; else NotAcceptable."""
    f = from_params(offered) or from_accept(offered)
    if f is None:
        raise NotAcceptable(offered, request.headers.get("Accept", ""))
    return f


def alternates_link(links: Iterable[tuple[str, Format]], extra: Iterable[str] = ()) -> str:
    """A `Link` header value: `<url>; rel="alternate"; type="…"` for each representation."""
    parts = [f'<{url}>; rel="alternate"; type="{f.media}"; title="{f.name}"' for url, f in links]
    return ", ".join([*parts, *extra])


def set_headers(resp: BaseResponse, location: str | None = None, link: str | None = None) -> BaseResponse:
    """The headers of a negotiated answer: Vary, Content-Location, Link."""
    resp.vary.add("Accept")
    if location:
        resp.headers["Content-Location"] = location
    if link:
        resp.headers["Link"] = link
    return resp


# Answers on these paths depend on Accept (or on `format=`), errors included.
NEGOTIATED = (
    "/sparql",
    "/resource",
    "/id/",
    "/.well-known/void",
    "/downloads",
    "/search",
    "/paths",
    "/socle",
)


def init_app(app: Flask) -> None:
    @app.errorhandler(NotAcceptable)
    def _not_acceptable(exc: NotAcceptable) -> Response:
        return exc.response()

    @app.after_request
    def _vary(resp: Response) -> Response:
        # An error page is HTML or JSON by Accept (security.error_response): it varies too.
        if resp.status_code >= 400 or request.path.startswith(NEGOTIATED):
            resp.vary.add("Accept")
        return resp
