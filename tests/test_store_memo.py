"""Bulk reads kept in memory during a build's derivation (store/memo.py) never go stale: every
kind of write (quads, a serialisation, a graph cleared, a SPARQL update) is seen by the next read,
exactly as without the memo."""

from __future__ import annotations

from pathlib import Path

from cqpi_graph.store import store_writer

G1 = "https://example.org/g1"
G2 = "https://example.org/g2"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
KNOWS = "https://example.org/knows"


def _read(store, predicate=LABEL, graph=None) -> set[tuple[str, str, str]]:
    return {
        (q.subject, q.object.value, q.graph) for q in store.quads_for_pattern(None, predicate, None, graph)
    }


def _q(s: str, p: str, o: str, g: str) -> tuple[str, str, str, str]:
    return (f"<https://example.org/{s}>", f"<{p}>", o, g)


def test_memo_reads_follow_every_write(tmp_path: Path) -> None:
    with store_writer(tmp_path / "store", fresh=True) as store, store.memo_reads():
        store.add_quads([_q("a", LABEL, '"A"', G1), _q("b", KNOWS, "<https://example.org/a>", G2)])
        assert _read(store) == {("https://example.org/a", "A", G1)}
        assert _read(store) == _read(store)  # served again, the same
        knows = _read(store, KNOWS)
        # quads of another predicate leave the label read as it is, then a label is seen at once
        store.add_quads([_q("c", KNOWS, "<https://example.org/b>", G2)])
        assert _read(store) == {("https://example.org/a", "A", G1)}
        assert len(_read(store, KNOWS)) == len(knows) + 1
        store.add_quads([_q("d", LABEL, '"D"', G2)])
        assert _read(store) == {("https://example.org/a", "A", G1), ("https://example.org/d", "D", G2)}
        assert _read(store, graph=G2) == {("https://example.org/d", "D", G2)}
        # a serialisation loaded into a graph
        store.load(b'<https://example.org/e> <%s> "E" .\n' % LABEL.encode(), "ntriples", G1)
        assert ("https://example.org/e", "E", G1) in _read(store)
        assert ("https://example.org/e", "E", G1) in _read(store, graph=G1)
        # a graph cleared: its quads disappear from every read that saw them
        store.clear_graph(G2)
        assert _read(store) == {("https://example.org/a", "A", G1), ("https://example.org/e", "E", G1)}
        assert _read(store, graph=G2) == set()
        assert _read(store, KNOWS) == set()
        # a SPARQL update
        store.update(f'INSERT DATA {{ GRAPH <{G2}> {{ <https://example.org/f> <{LABEL}> "F" }} }}')
        assert ("https://example.org/f", "F", G2) in _read(store)
        store.update(f"DELETE WHERE {{ GRAPH <{G1}> {{ ?s <{LABEL}> ?o }} }}")
        assert _read(store) == {("https://example.org/f", "F", G2)}
        # reads by subject and by object are answered as before
        assert {q.predicate for q in store.quads_for_pattern("https://example.org/f")} == {LABEL}


def test_memo_reads_of_a_class_and_deletions(tmp_path: Path) -> None:
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    job, bloc = "https://example.org/Job", "https://example.org/Bloc"

    def of_type(store, cls: str) -> set[str]:
        return {q.subject for q in store.quads_for_pattern(None, rdf_type, cls, None)}

    with store_writer(tmp_path / "store", fresh=True) as store, store.memo_reads():
        store.add_quads([_q("j1", rdf_type, f"<{job}>", G1), _q("b1", rdf_type, f"<{bloc}>", G1)])
        assert of_type(store, job) == {"https://example.org/j1"}
        store.add_quads([_q("b2", rdf_type, f"<{bloc}>", G2)])  # another class
        assert of_type(store, job) == {"https://example.org/j1"}
        assert of_type(store, bloc) == {"https://example.org/b1", "https://example.org/b2"}
        store.add_quads([_q("j2", rdf_type, f"<{job}>", G2)])
        assert of_type(store, job) == {"https://example.org/j1", "https://example.org/j2"}
        # a deletion in one named graph (as the meta graph's records are replaced)
        store.update(f"DELETE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o }} }}")
        assert of_type(store, job) == {"https://example.org/j1"}
        assert of_type(store, bloc) == {"https://example.org/b1"}
        # a deletion in any graph, named by a variable
        store.update(f"DELETE {{ GRAPH ?g {{ ?s ?p <{bloc}> }} }} WHERE {{ GRAPH ?g {{ ?s ?p <{bloc}> }} }}")
        assert of_type(store, bloc) == set()


def test_memo_ends_with_its_context(tmp_path: Path) -> None:
    with store_writer(tmp_path / "store", fresh=True) as store:
        with store.memo_reads():
            store.add_quads([_q("a", LABEL, '"A"', G1)])
            assert len(_read(store)) == 1
        assert store._memo is None  # type: ignore[attr-defined]
        store.add_quads([_q("b", LABEL, '"B"', G1)])
        assert len(_read(store)) == 2
