"""The remote store: a SPARQL 1.1 server that a user already operates.

Oxigraph server, Apache Jena Fuseki, GraphDB, Virtuoso, Amazon Neptune… are reached through:

- the SPARQL 1.1 Protocol for queries (POST, form-encoded; results asked in the media type of
  the wanted format);
- SPARQL 1.1 Update for updates and for the final swap of a write;
- the SPARQL 1.1 Graph Store Protocol (GSP) for loading and reading whole graphs, when a graph
  store URL is configured or derivable; otherwise CONSTRUCT and INSERT DATA do the same job.

Settings (an `Endpoint`, see endpoint.py; the `cqpi` global options set the first three, and
each reads its variable):

    CQPI_ENDPOINT             query URL (`http://host:7878` alone means Oxigraph's layout)
    CQPI_UPDATE_ENDPOINT      update URL, when it differs from the derived one
    CQPI_GRAPH_STORE          Graph Store Protocol URL ("none" to use SPARQL only)
    CQPI_UNION_DEFAULT_GRAPH  auto | param | server | dataset (see `UNION_MODES`)
    CQPI_HTTP_TIMEOUT         seconds to wait for an answer (default 120; loads get 10×)

The default graph of every query must be the union of the named graphs (the rule of the
embedded store). How that is obtained is the union mode:

- `param`: send Oxigraph's documented `union-default-graph` request parameter;
- `server`: the server is configured so (Oxigraph `serve --union-default-graph`, Fuseki/TDB2
  `tdb2:unionDefaultGraph true`; Virtuoso, GraphDB and Neptune do it by default);
- `dataset`: portable SPARQL Protocol: list the named graphs and pass them all as
  `default-graph-uri` and `named-graph-uri` (one more request per query; hides staging graphs);
- `auto` (default): `param` when the server says it is Oxigraph, `dataset` when it says it is
  Virtuoso (whose default graph also holds its own system graphs), else `server`.

Virtuoso is recognised by its `Server` header and then used as it is laid out: updates on the
query URL (`/sparql`), the Graph Store Protocol at `/sparql-graph-crud` (unless CQPI_UPDATE_ENDPOINT
or CQPI_GRAPH_STORE say otherwise); its own graphs (`SERVER_GRAPHS`) are not the project's; its
ASK answers (a one-row table in 7.2) are read as booleans; INSERT DATA goes in smaller batches.

A write (`RemoteStore.writer`) is prepared in a local scratch store, uploaded into staging
graphs and swapped in with one SPARQL Update of MOVE/DROP operations: see `writer`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox
import requests

from ..errors import QuerySyntaxError, RemoteQuerySyntaxError, RemoteStoreError, StoreNotBuiltError
from ..messages import Quoted, msg
from ..namespaces import PREFIXES, XSD
from .base import Row, Store, Term
from .embedded import RDF_FORMAT, EmbeddedStore
from .endpoint import UNION_MODES, Endpoint

RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
RDF_MEDIA = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# Staging graphs of a write in progress: STAGING + "<unix time>-<random>/<n>".
STAGING = "urn:x-cqpi:staging:"
STAGING_MAX_AGE = 6 * 3600  # older staging graphs are left-overs of a killed writer
BATCH_LINES = 50_000  # N-Triples lines per request when adding quads
VIRTUOSO_INSERT_LINES = 1_000  # Virtuoso's SPARQL compiler runs out of memory at ~5,000 triples
# Graphs a server keeps for itself (Virtuoso's schemas and settings): never the project's.
SERVER_GRAPHS = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/",
    "http://www.w3.org/2002/07/owl#",
)
ASK_RETVAL = "__ASK_RETVAL"  # Virtuoso 7.2's column for the answer of an ASK

_PROLOGUE = re.compile(r"\s*(?:#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)", re.I)
_FORM = re.compile(r"\s*([A-Za-z]+)")
_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


def query_form(query: str) -> str | None:
    """ "select", "ask" or "graph" (CONSTRUCT/DESCRIBE), read after the prologue; None if unknown."""
    pos = 0
    while True:
        m = _PROLOGUE.match(query, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    m = _FORM.match(query, pos)
    return _FORMS.get(m.group(1).upper()) if m else None


def inline_prefixes(text: str) -> str:
    """Declare the common prefixes the text uses but does not declare, on its first line.

    Declarations go on the same line as the query's start so that the line numbers of the
    server's syntax errors still match the user's query.
    """
    missing = [
        f"PREFIX {k}: <{v}> "
        for k, v in PREFIXES.items()
        if re.search(rf"(?<![\w.:/#-]){k}:", text) and not re.search(rf"prefix\s+{k}\s*:", text, re.I)
    ]
    return "".join(missing) + text if missing else text


def derive_endpoints(query_url: str) -> tuple[str, str, str | None]:
    """(query, update, graph store) URLs from the query URL, by the usual server layouts.

    `http://host:7878` (no path) and `…/query` are Oxigraph's layout (/query, /update, /store);
    `…/sparql` is Fuseki's (/sparql, /update, /data); any other URL is taken to serve the three
    protocols itself (a Fuseki dataset URL such as `http://host:3030/ds` does).
    """
    parts = urlsplit(query_url)
    path = parts.path.rstrip("/")

    def at(p: str) -> str:
        return urlunsplit(parts._replace(path=p))

    if path == "":
        return at("/query"), at("/update"), at("/store")
    if path.endswith("/query"):
        base = path[: -len("/query")]
        return query_url, at(base + "/update"), at(base + "/store")
    if path.endswith("/sparql"):
        base = path[: -len("/sparql")]
        return query_url, at(base + "/update"), at(base + "/data")
    return query_url, query_url, query_url


def _term(b: dict) -> Term:
    kind = b.get("type")
    if kind == "uri":
        return Term("uri", b["value"])
    if kind == "bnode":
        return Term("bnode", b["value"])
    if kind in ("literal", "typed-literal"):
        lang = b.get("xml:lang")
        if lang:
            return Term("literal", b["value"], lang=lang)
        dt = b.get("datatype")
        if dt is None or dt == XSD + "string":
            return Term("literal", b["value"])
        if dt == XSD + "boolean" and b["value"] in ("1", "0"):  # Virtuoso's lexical form
            return Term("literal", "true" if b["value"] == "1" else "false", datatype=dt)
        return Term("literal", b["value"], datatype=dt)
    if kind == "triple":
        v = b["value"]
        parts = " ".join(_term(v[k]).n3() for k in ("subject", "predicate", "object"))
        return Term("triple", f"<< {parts} >>")
    raise RemoteStoreError(f"terme inattendu dans la réponse du serveur SPARQL : {b!r}")


def _own(graph: str) -> bool:
    """A graph of the project: neither a staging graph nor one the server keeps for itself."""
    return not graph.startswith(STAGING) and not graph.startswith(SERVER_GRAPHS)


def _boolean(data: dict) -> bool | None:
    """The answer of an ASK in SPARQL JSON, also as Virtuoso 7.2 gives it (a one-row table)."""
    if "boolean" in data:
        return bool(data["boolean"])
    if data.get("head", {}).get("vars") == [ASK_RETVAL]:
        rows = data.get("results", {}).get("bindings", [])
        return bool(rows) and rows[0].get(ASK_RETVAL, {}).get("value") not in ("0", "false")
    return None


def _staging_age(iri: str) -> float | None:
    m = re.match(re.escape(STAGING) + r"(\d+)-", iri)
    return time.time() - int(m.group(1)) if m else None


class RemoteStore(Store):
    """A SPARQL 1.1 server behind the `Store` facade."""

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        union: str = "auto",
        timeout: float = 120.0,
        connect_timeout: float = 10.0,
    ) -> None:
        if union not in UNION_MODES:
            raise ValueError(f"mode d'union inconnu : {union} (attendu : {', '.join(UNION_MODES)})")
        query_url, derived_update, derived_gsp = derive_endpoints(endpoint)
        self.query_url = query_url
        self.update_url = update_endpoint or derived_update
        self._update_guessed = not update_endpoint
        self._adapted = False
        if graph_store and graph_store.lower() == "none":
            self.graph_store_url: str | None = None
        else:
            self.graph_store_url = graph_store or derived_gsp
        # A derived graph store URL is a guess: if the server refuses it, fall back to SPARQL.
        self._gsp_guessed = not graph_store
        self.union = union
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.location = query_url
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._server: str | None = None

    @classmethod
    def at(cls, endpoint: Endpoint) -> RemoteStore:
        return cls(
            endpoint.url,
            update_endpoint=endpoint.update,
            graph_store=endpoint.graph_store,
            union=endpoint.union,
            timeout=endpoint.timeout,
        )

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # ------------------------------------------------------------------ HTTP

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = "cqpi-graph"
            self._local.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        syntax: bool = False,
        timeout: float | None = None,
        ok_statuses: tuple[int, ...] = (),
        **kwargs: Any,  # noqa: ANN401 - passed on to requests as they are
    ) -> requests.Response:
        read_timeout = timeout or self.timeout
        try:
            resp = self._session().request(
                method, url, timeout=(self.connect_timeout, read_timeout), **kwargs
            )
        except requests.Timeout:
            raise RemoteStoreError(
                f"le serveur SPARQL {url} n'a pas répondu en {read_timeout:g} s ({what}) ; "
                f"augmentez CQPI_HTTP_TIMEOUT si la requête est longue",
                url=url,
            ) from None
        except requests.RequestException as exc:
            raise RemoteStoreError(
                f"serveur SPARQL injoignable : {url} ({what}) : {exc.__class__.__name__}: {exc}",
                url=url,
            ) from None
        self._server = self._server or resp.headers.get("Server", "")
        if resp.status_code >= 400 and resp.status_code not in ok_statuses:
            message = resp.text.strip()[:2000]
            resp.close()
            if syntax and resp.status_code == 400:
                raise RemoteQuerySyntaxError(
                    msg(what + " invalide : {detail}", detail=Quoted(message, None)),
                    url=url,
                    server_message=message,
                )
            raise RemoteStoreError(
                f"le serveur SPARQL a répondu {resp.status_code} {resp.reason} à {method} {url} "
                f"({what}) : {message}",
                url=url,
                status=resp.status_code,
                server_message=message,
            )
        return resp

    def _union_mode(self) -> str:
        if self.union != "auto":
            return self.union
        if self._is_oxigraph():
            return "param"
        return "dataset" if self._is_virtuoso() else "server"

    def _is_virtuoso(self) -> bool:
        self._is_oxigraph()  # the probe, once
        return (self._server or "").lower().startswith("virtuoso")

    def _adapt(self) -> None:
        """Once: the URLs of a Virtuoso server, where they were guessed from the query URL."""
        if self._adapted:
            return
        self._adapted = True
        if not self._is_virtuoso():
            return
        if self._update_guessed:
            self.update_url = self.query_url
        if self._gsp_guessed and self.graph_store_url:
            self.graph_store_url = urlunsplit(urlsplit(self.query_url)._replace(path="/sparql-graph-crud"))

    def _query(
        self, query: str, accept: str, *, stream: bool = False, base_iri: str | None = None
    ) -> requests.Response:
        text = inline_prefixes(query)
        if base_iri:  # on the first line too, so that line numbers stay the user's
            text = f"BASE <{base_iri}> " + text
        data: list[tuple[str, str]] = [("query", text)]
        mode = self._union_mode()
        if mode == "param":
            data.append(("union-default-graph", "true"))
        elif mode == "dataset":
            for g in self.graphs():
                data += [("default-graph-uri", g), ("named-graph-uri", g)]
        try:
            return self._request(
                "POST",
                self.query_url,
                what="requête SPARQL",
                syntax=True,
                data=data,
                headers={"Accept": accept},
                stream=stream,
            )
        except RemoteQuerySyntaxError as exc:
            shift = len(text) - len(query)
            if not shift:
                raise
            # Oxigraph says "error at LINE:COLUMN": give the column in the user's own text.
            message = re.sub(r"(?<=error at 1:)(\d+)", lambda m: str(max(1, int(m[1]) - shift)), str(exc))
            raise RemoteQuerySyntaxError(message, url=exc.url, server_message=exc.server_message) from None

    def _plain_select(self, query: str) -> list[dict]:
        """A SELECT over the server's own dataset (no union), as raw JSON bindings."""
        resp = self._request(
            "POST",
            self.query_url,
            what="requête SPARQL",
            syntax=True,
            data={"query": query},
            headers={"Accept": RESULT_MEDIA["json"]},
        )
        return resp.json()["results"]["bindings"]

    # ------------------------------------------------------------------ reading

    def _expect(self, query: str, kind: str, label: str) -> None:
        form = query_form(query)
        if form is not None and form != kind:
            raise QuerySyntaxError(msg("une requête {form} était attendue", form=label))

    def select(self, query: str) -> list[Row]:
        self._expect(query, "select", "SELECT")
        data = self._query(query, RESULT_MEDIA["json"]).json()
        if "boolean" in data:
            raise QuerySyntaxError(msg("une requête SELECT était attendue"))
        return [{k: _term(v) for k, v in b.items()} for b in data["results"]["bindings"]]

    def ask(self, query: str) -> bool:
        self._expect(query, "ask", "ASK")
        answer = _boolean(self._query(query, RESULT_MEDIA["json"]).json())
        if answer is None:
            raise QuerySyntaxError(msg("une requête ASK était attendue"))
        return answer

    def construct(self, query: str, fmt: str = "ntriples") -> bytes:
        self._expect(query, "graph", "CONSTRUCT ou DESCRIBE")
        return self._query(query, RDF_MEDIA[fmt]).content

    def query_serialized(self, query: str, fmt: str, *, base_iri: str | None = None) -> tuple[str, bytes]:
        kind = query_form(query) or "select"
        if kind == "graph":
            media = RDF_MEDIA.get(fmt, RDF_MEDIA["turtle"])
        else:
            media = RESULT_MEDIA.get(fmt, RESULT_MEDIA["json"])
        if kind == "ask" and self._is_virtuoso():
            return "ask", self._ask_serialized(query, fmt, base_iri)
        resp = self._query(query, media, base_iri=base_iri)
        ctype = resp.headers.get("Content-Type", "").split(";")[0].strip()
        if ctype in RDF_MEDIA.values():
            kind = "graph"
        elif kind == "graph":
            kind = "select"
        return kind, resp.content

    def _ask_serialized(self, query: str, fmt: str, base_iri: str | None) -> bytes:
        """An ASK's answer in `fmt`, written here from the JSON answer (Virtuoso's is a table)."""
        from .embedded import RESULT_FORMAT

        answer = _boolean(self._query(query, RESULT_MEDIA["json"], base_iri=base_iri).json())
        if answer is None:
            raise RemoteStoreError("le serveur SPARQL n'a pas donné de réponse booléenne à un ASK")
        text = b'{"head":{},"boolean":' + (b"true" if answer else b"false") + b"}"
        result = ox.parse_query_results(text, format=ox.QueryResultsFormat.JSON)
        return result.serialize(format=RESULT_FORMAT.get(fmt, ox.QueryResultsFormat.JSON)) or b""

    def _all_graphs(self) -> list[str]:
        # The FILTER changes nothing (graph names are IRIs) but turns Virtuoso 7.2's plan from a
        # scan of every quad (minutes on the RNCP graph) into a look-up of its graph index.
        rows = self._plain_select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?g)) }")
        return sorted(b["g"]["value"] for b in rows if b.get("g", {}).get("type") == "uri")

    def graphs(self) -> list[str]:
        """The named graphs holding quads, apart from the staging graphs of a write in progress
        and the server's own graphs."""
        return [g for g in self._all_graphs() if _own(g)]

    def count(self, graph: str | None = None) -> int:
        if graph is not None:
            rows = self._plain_select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
            return int(rows[0]["n"]["value"]) if rows else 0
        rows = self._plain_select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sum(int(b["n"]["value"]) for b in rows if _own(b["g"]["value"]))

    def _graph_response(self, graph: str) -> requests.Response:
        """The triples of one graph in N-Triples, streamed: GSP GET, else CONSTRUCT."""
        self._adapt()
        if self.graph_store_url:
            resp = self._request(
                "GET",
                self.graph_store_url,
                what=f"lecture du graphe <{graph}>",
                params={"graph": graph},
                headers={"Accept": RDF_MEDIA["ntriples"]},
                stream=True,
                timeout=self.timeout * 10,
                ok_statuses=(404, 405, 501) if self._gsp_guessed else (404,),
            )
            if resp.status_code < 400:
                return resp
            resp.close()
            if resp.status_code != 404:
                self.graph_store_url = None
            elif self._gsp_guessed and not self._graph_exists(graph):
                return self._construct_graph(graph)  # an empty graph
            elif self._gsp_guessed:
                self.graph_store_url = None
        return self._construct_graph(graph)

    def _graph_exists(self, graph: str) -> bool:
        return graph in self._all_graphs()

    def _construct_graph(self, graph: str) -> requests.Response:
        return self._request(
            "POST",
            self.query_url,
            what=f"lecture du graphe <{graph}>",
            data={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
            headers={"Accept": RDF_MEDIA["ntriples"]},
            stream=True,
            timeout=self.timeout * 10,
        )

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        for g in [graph] if graph else self.graphs():
            node = ox.NamedNode(g)
            with self._graph_response(g) as resp:
                resp.raw.decode_content = True
                for q in ox.parse(resp.raw, format=ox.RdfFormat.N_TRIPLES):
                    yield ox.Quad(q.subject, q.predicate, q.object, node)

    def dump(self, output: BinaryIO | Path, fmt: str, graph: str | None = None) -> None:
        rdf_format = RDF_FORMAT[fmt]
        quads = self.quads(graph)
        if rdf_format.supports_datasets and graph is None:
            ox.serialize(quads, output, format=rdf_format)
        else:
            ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in quads), output, format=rdf_format
            )

    # ------------------------------------------------------------------ writing

    def update(self, update: str) -> None:
        self._adapt()
        self._request(
            "POST",
            self.update_url,
            what="mise à jour SPARQL",
            syntax=True,
            data={"update": inline_prefixes(update)},
            timeout=self.timeout * 10,
        ).close()

    def _is_oxigraph(self) -> bool:
        """Whether the server announces itself as Oxigraph (one probe request, then cached)."""
        if self._server is None:
            self._request("POST", self.query_url, what="sonde", data={"query": "ASK {}"}).close()
        return (self._server or "").lower().startswith("oxigraph")

    def _gsp_write(
        self, method: str, graph: str | None, body: object, media: str, *, bulk: bool = False
    ) -> bool:
        """PUT or POST a body to a graph over GSP; False when the server has no usable GSP.

        bulk=True (for private staging graphs only) asks Oxigraph server for its bulk loader
        (`no_transaction`), several times faster than a transactional load.
        """
        self._adapt()
        if not self.graph_store_url:
            return False
        params = {"graph": graph} if graph else {"default": ""}
        if bulk and self._is_oxigraph():
            params["no_transaction"] = ""
        resp = self._request(
            method,
            self.graph_store_url,
            what=f"chargement du graphe <{graph or 'par défaut'}>",
            params=params,
            data=body,
            headers={"Content-Type": media},
            timeout=self.timeout * 10,
            ok_statuses=(404, 405, 501) if self._gsp_guessed else (),
        )
        resp.close()
        if resp.status_code >= 400:
            self.graph_store_url = None
            return False
        return True

    def _insert_ntriples(self, graph: str, lines: Iterable[bytes]) -> None:
        """INSERT DATA of N-Triples lines (valid SPARQL triples), in batches."""
        batch: list[str] = []

        def flush() -> None:
            if batch:
                self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{''.join(batch)}}} }}")
                batch.clear()

        for line in lines:
            text = line.decode() if isinstance(line, bytes) else line
            if text.strip():
                batch.append(text if text.endswith("\n") else text + "\n")
            if len(batch) >= (VIRTUOSO_INSERT_LINES if self._is_virtuoso() else BATCH_LINES // 5):
                flush()
        flush()

    def _post_ntriples(self, graph: str, body: bytes) -> None:
        if not self._gsp_write("POST", graph, body, RDF_MEDIA["ntriples"]):
            self._insert_ntriples(graph, body.splitlines(keepends=True))

    def load(self, data: bytes | Path, fmt: str, graph: str | None = None) -> None:
        rdf_format = RDF_FORMAT[fmt]
        if graph is not None and not rdf_format.supports_datasets and self.graph_store_url:
            # The server parses: the bytes go as they are, with their media type.
            if isinstance(data, Path):
                with open(data, "rb") as fh:
                    if self._gsp_write("POST", graph, fh, RDF_MEDIA[fmt]):
                        return
            elif self._gsp_write("POST", graph, data, RDF_MEDIA[fmt]):
                return
        # Parsed here, then sent graph by graph.
        source = {"path": str(data)} if isinstance(data, Path) else {"input": data}
        parsed = ox.parse(format=rdf_format, **source)

        def as_quads() -> Iterator[tuple[str, str, str, str]]:
            for q in parsed:
                g = graph or (q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None)
                if g is None:
                    raise RemoteStoreError(
                        "le graphe par défaut d'un serveur distant n'est pas utilisé : donnez un graphe nommé"
                    )
                yield str(q.subject), str(q.predicate), str(q.object), g

        self.add_quads(as_quads())

    def add_quads(self, quads: Iterable[tuple[str, str, str, str]]) -> int:
        n = 0
        batches: dict[str, list[str]] = {}
        pending = 0
        for s, p, o, g in quads:
            batches.setdefault(g, []).append(f"{s} {p} {o} .\n")
            pending += 1
            n += 1
            if pending >= BATCH_LINES:
                for graph, lines in batches.items():
                    self._post_ntriples(graph, "".join(lines).encode())
                batches.clear()
                pending = 0
        for graph, lines in batches.items():
            self._post_ntriples(graph, "".join(lines).encode())
        return n

    def clear_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def close(self) -> None:
        with self._lock:
            for s in self._sessions:
                s.close()
            self._sessions.clear()
        self._local = threading.local()

    # ------------------------------------------------------------------ atomic writes

    @contextlib.contextmanager
    def writer(self, *, fresh: bool = False) -> Iterator[Store]:
        """A store to write; the server's graphs change only if the block succeeds.

        The block writes into a local scratch store (a temporary on-disk Oxigraph database),
        so that it reads back its own writes with the full embedded semantics and the reasoner
        reads its triples locally. fresh=False (an import) first copies the server's graphs
        into it. When the block ends without error, the graphs it changed (fresh=True: all of
        them) are uploaded into staging graphs `urn:x-cqpi:staging:…`, then one SPARQL Update
        request swaps them in (`MOVE GRAPH staging TO GRAPH g`, and `DROP` for graphs the write
        removed; a build drops every graph it did not rebuild). On Oxigraph server that request
        is one transaction: readers see the whole old graph or the whole new one. If anything
        fails, the staging graphs are dropped and the server's graphs are untouched.
        """
        scratch = Path(tempfile.mkdtemp(prefix="cqpi-remote-", dir=os.environ.get("CQPI_TMPDIR")))
        try:
            before: dict[str, int] = {}
            raw = ox.Store(str(scratch / "db"))
            if not fresh:
                before = self._copy_into(raw)
            buffer = _WriteBuffer(raw, self.location, scratch)
            yield buffer
            self._publish(buffer, fresh=fresh, before=before)
            buffer.close()
            del raw
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _copy_into(self, raw: ox.Store) -> dict[str, int]:
        """Copy every named graph of the server into a local store; their sizes."""
        graphs = self.graphs()
        if not graphs:
            raise StoreNotBuiltError(
                f"le serveur SPARQL {self.query_url} ne contient aucun graphe : lancez d'abord "
                f"`cqpi --endpoint {self.query_url} build`"
            )
        for g in graphs:
            with self._graph_response(g) as resp:
                resp.raw.decode_content = True
                raw.bulk_load(input=resp.raw, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(g))
        return _local_sizes(raw)

    def _publish(self, buffer: _WriteBuffer, *, fresh: bool, before: dict[str, int]) -> None:
        raw = buffer.snapshot()
        raw.flush()
        after = _local_sizes(raw)
        live = self.graphs()
        if fresh:
            changed = sorted(after)
            removed = sorted(set(live) - set(after))
        else:
            changed = sorted(
                g
                for g in after
                if buffer.rescan or g in buffer.dirty or g not in before or before[g] != after[g]
            )
            removed = sorted(g for g in before if g not in after and g in live)
        if not changed and not removed:
            return
        self._drop_stale_staging()
        tx = f"{STAGING}{int(time.time())}-{uuid.uuid4().hex[:12]}/"
        staged = {g: f"{tx}{i}" for i, g in enumerate(changed)}
        try:
            for g, st in staged.items():
                self._upload(raw, g, st, buffer.directory)
            ops = [f"DROP SILENT GRAPH <{g}>" for g in removed]
            ops += [f"MOVE GRAPH <{st}> TO GRAPH <{g}>" for g, st in staged.items()]
            self.update(" ;\n".join(ops))
        except BaseException:
            with contextlib.suppress(Exception):
                if staged:
                    self.update(" ;\n".join(f"DROP SILENT GRAPH <{st}>" for st in staged.values()))
            raise

    def _upload(self, raw: ox.Store, graph: str, staging: str, scratch: Path) -> None:
        path = scratch / "upload.nt"
        raw.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
        try:
            with open(path, "rb") as fh:
                if self._gsp_write("PUT", staging, fh, RDF_MEDIA["ntriples"], bulk=True):
                    return
            with open(path, "rb") as fh:
                self._insert_ntriples(staging, fh)
        finally:
            path.unlink(missing_ok=True)

    def _drop_stale_staging(self) -> None:
        """Drop the staging graphs a killed writer left behind (older than STAGING_MAX_AGE)."""
        stale = [
            g
            for g in self._all_graphs()
            if g.startswith(STAGING) and (_staging_age(g) or 0) > STAGING_MAX_AGE
        ]
        if stale:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in stale))


def _local_sizes(raw: ox.Store) -> dict[str, int]:
    """Quads per named graph of a local store."""
    result = raw.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(result, ox.QuerySolutions)
    return {sol["g"].value: int(sol["n"].value) for sol in result if isinstance(sol["g"], ox.NamedNode)}


_GRAPH_BY_PATTERN = re.compile(r"\bGRAPH\s+(?!<)|\b(?:ALL|NAMED|DEFAULT)\b", re.I)
# Graphs an update names as its targets (GRAPH <g>, WITH <g>, INTO <g>, TO <g>…).
_TARGET = re.compile(r"\b(?:GRAPH|WITH|INTO|TO|USING(?:\s+NAMED)?)\s+<([^<>\s]*)>", re.I)


class _WriteBuffer(EmbeddedStore):
    """The scratch store of a remote write: remembers which graphs the write touched."""

    def __init__(self, raw: ox.Store, location: str, directory: Path) -> None:
        super().__init__(raw, location, directory)
        self.dirty: set[str] = set()
        self.rescan = False  # an update may have touched any graph: publish them all

    def update(self, update: str) -> None:
        super().update(update)
        self.dirty.update(_TARGET.findall(update))
        if _GRAPH_BY_PATTERN.search(update):
            self.rescan = True

    def load(self, data: bytes | Path, fmt: str, graph: str | None = None) -> None:
        super().load(data, fmt, graph)
        if graph is None:
            self.rescan = True
        else:
            self.dirty.add(graph)

    def add_quads(self, quads: Iterable[tuple[str, str, str, str]]) -> int:
        def seen() -> Iterator[tuple[str, str, str, str]]:
            for q in quads:
                self.dirty.add(q[3])
                yield q

        return super().add_quads(seen())

    def clear_graph(self, graph: str) -> None:
        super().clear_graph(graph)
        self.dirty.add(graph)


__all__ = ["RemoteStore", "derive_endpoints", "inline_prefixes", "query_form"]
