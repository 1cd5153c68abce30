"""Issue 20 (and the search of issue 19): the indexes `cqpi build` keeps with the generation, the
full-text search (SQLite FTS5), the facet table and the statistics graph, on the registries of
../shared/data (`full_store_path`)."""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from pathlib import Path

import pytest

from cqpi_graph import _cache
from cqpi_graph.catalog import fold, load_catalog
from cqpi_graph.facets import STATISTICS_GRAPH, compute_facets
from cqpi_graph.search import Filters, load_search_index
from cqpi_graph.search.documents import folded_words
from cqpi_graph.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "benchmarks" / "queries"


@pytest.fixture(scope="module")
def index(full_store: Store):  # noqa: ANN201
    return load_search_index(full_store)


@pytest.fixture(scope="module")
def rows(index):  # noqa: ANN001, ANN201
    return index.certifications()


# ---------------------------------------------------------------- built with the generation


def test_build_keeps_every_index_beside_the_generation(full_store_path: Path) -> None:
    with open_store(full_store_path) as store:
        folder = Path(store.directory).parent / "cache" / Path(store.directory).name
        names = {p.name.split("-")[0] for p in folder.iterdir()}
        assert {"catalog", "paths.graph", "socle.index", "textsim.model", "search"} <= names, names
        assert STATISTICS_GRAPH in store.graphs()


def test_readers_never_recompute_what_the_build_kept(full_store_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import cqpi_graph.catalog.index as catalog_index
    import cqpi_graph.paths.graph as paths_graph
    import cqpi_graph.search as search
    import cqpi_graph.socle as socle

    def never(*a: object, **k: object) -> None:
        raise AssertionError("recomputed on first use")

    for module, name in (
        (catalog_index, "build_catalog"),
        (paths_graph, "build_graph"),
        (socle, "build_index"),
        (search, "build_search_database"),
    ):
        monkeypatch.setattr(module, name, never)
    _cache.clear()
    search.forget()
    with open_store(full_store_path) as store:
        assert len(load_catalog(store)) > 1000
        assert paths_graph.load_graph(store).catalog is not None
        assert socle.load_index(store).labels
        assert search.load_search_index(store).search("maintenance").total > 0


# ---------------------------------------------------------------- the facet table


def test_facet_rows_are_the_catalog_certifications(full_store: Store, rows) -> None:  # noqa: ANN001
    cat = load_catalog(full_store)
    assert {r.iri for r in rows} == set(cat.groups())
    for r in rows[:: max(1, len(rows) // 200)]:
        c = cat.certification(r.iri)
        assert (r.kind, r.label_fr, r.codes, r.level, r.active) == (
            c.kind,
            c.label,
            c.codes,
            c.level,
            c.status.active,
        )
        assert r.blocs == len(cat.blocs_of(r.iri))
    assert rows == compute_facets(full_store)  # the side table holds what the build computed


def test_statistics_graph_counts_what_the_facet_table_holds(full_store: Store, rows) -> None:  # noqa: ANN001
    text = (QUERIES / "counts-by-level.rq").read_text(encoding="utf-8")
    got = {
        (r["level"].value.rsplit("/", 1)[-1], r["type"].value.rsplit("#", 1)[-1]): int(
            r["certifications"].value
        )
        for r in full_store.select(text)
    }
    want = Counter((str(r.level), r.kind or "Certification") for r in rows if r.level)
    assert got == dict(want)
    chains = full_store.select((QUERIES / "succession-chains.rq").read_text(encoding="utf-8"))
    firsts = {r.iri: r.later_versions for r in rows if r.first_version}
    assert chains and all(firsts[r["first"].value] == int(r["versions"].value) for r in chains)


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")) + sorted((QUERIES / "union").glob("*.rq")))
def test_analyst_queries_run(full_store: Store, path: Path) -> None:
    full_store.select(path.read_text(encoding="utf-8"))


def test_text_search_query_finds_what_the_union_scan_finds(full_store: Store, rows) -> None:  # noqa: ANN001
    words = Counter(w for r in rows for w in folded_words(r.label_fr) if len(w) > 5)
    word = next(w for w, n in words.most_common() if n >= 3)
    text = (QUERIES / "label-text-search.rq").read_text(encoding="utf-8")
    query = text.replace('"relation"', f'"{word}"').replace('"relation client"', f'"{word}"')
    query = query.replace("LIMIT 200", "")
    found = {r["c"].value for r in full_store.select(query)}
    union = (QUERIES / "union" / "label-text-search.rq").read_text(encoding="utf-8")
    union = union.replace('"relation client"', f'"{word}"').replace("LIMIT 200", "")
    scanned = {r["c"].value for r in full_store.select(union)}
    titled = {r.iri for r in rows if word in folded_words(r.label_fr) + folded_words(r.label_en)}
    assert found and found <= scanned and found == scanned & titled


# ---------------------------------------------------------------- search


def test_exact_code_comes_first(index, rows) -> None:  # noqa: ANN001
    coded = [r for r in rows if r.codes and r.codes[0].startswith("RNCP")][:20]
    for r in coded:
        page = index.search(r.codes[0])
        assert page.hits[0].iri == r.iri and page.hits[0].exact, r.codes[0]
        assert index.search(r.codes[0].lower()).hits[0].iri == r.iri


def test_a_kind_named_in_the_query_means_the_kind(index, rows) -> None:  # noqa: ANN001
    cqpi = {r.iri for r in rows if r.kind == "CQPI"}
    page = index.search("CQPI", per_page=200)
    assert page.kind == "CQPI" and {h.iri for h in page.hits} == cqpi
    bac = index.search("bac pro", per_page=5)
    assert bac.kind == "BacPro" and bac.total == sum(r.kind == "BacPro" for r in rows)
    word = next(w for r in rows if r.kind == "BacPro" for w in folded_words(r.label_fr) if len(w) > 6)
    narrowed = index.search(f"bac pro {word}", per_page=200)
    assert narrowed.kind == "BacPro" and 0 < narrowed.total < bac.total
    assert all(h.kind == "BacPro" for h in narrowed.hits)
    assert index.search("CQPI", read_kinds=False).kind is None


def test_accents_and_case_are_folded_and_the_last_word_is_a_prefix(index, rows) -> None:  # noqa: ANN001
    accented = [r for r in rows if r.label_fr != fold(r.label_fr) and len(folded_words(r.label_fr)) >= 3]
    for r in accented[:15]:
        words = [w for w in folded_words(r.label_fr) if len(w) > 3][:3]
        typed = " ".join(words).upper()
        assert r.iri in {h.iri for h in index.search(typed, per_page=50).hits}, typed
        prefix = " ".join(words[:-1] + [words[-1][:4]])
        assert index.search(prefix).total >= index.search(" ".join(words)).total


def test_an_idcc_finds_its_branch(full_store: Store, index) -> None:  # noqa: ANN001
    cat = load_catalog(full_store)
    branches = [b for b in cat.branches() if cat.branch(b).idcc]
    assert branches
    for b in branches:
        idcc = cat.branch(b).idcc
        for q in (idcc, idcc.lstrip("0"), f"IDCC {idcc}", f"idcc {int(idcc)}"):
            assert index.search(q).hits[0].iri == b, q


def test_facets_count_every_match_and_filters_narrow(index) -> None:  # noqa: ANN001
    page = index.search("technicien", per_page=10)
    assert page.total > 10 and len(page.hits) == 10
    family = {f.value: f.count for f in page.facets["family"]}
    assert sum(family.values()) == page.total
    kinds = sum(f.count for f in page.facets["kind"])
    assert kinds == family["certification"]
    status = page.facets["status"][0]
    filtered = index.search("technicien", Filters(status=[status.value]), per_page=200)
    assert filtered.total == status.count and all(h.status == status.value for h in filtered.hits)
    level = page.facets["level"][0]
    by_level = index.search("technicien", Filters(level=[level.value]), per_page=200)
    assert by_level.total == level.count and all(h.level == int(level.value) for h in by_level.hits)


def test_pages_partition_the_results(index) -> None:  # noqa: ANN001
    first, second = index.search("gestion", page=1, per_page=15), index.search("gestion", page=2, per_page=15)
    everything = index.search("gestion", per_page=200)
    assert first.total == second.total == everything.total > 30
    assert [h.iri for h in first.hits + second.hits] == [h.iri for h in everything.hits[:30]]


def test_certifications_rank_before_their_parts(index) -> None:  # noqa: ANN001
    page = index.search("maintenance", per_page=10)
    assert page.hits[0].family == "certification"
    order = [h.family for h in index.search("maintenance", per_page=200).hits]
    assert order.index("certification") < order.index("bloc") if "bloc" in order else True


# ---------------------------------------------------------------- the web view


@pytest.fixture(scope="module")
def client(full_store_path: Path):  # noqa: ANN201
    from web import create_app

    app = create_app({"CQPI_STORE": str(full_store_path)})
    yield app.test_client()
    pool = app.extensions.get("cqpi_sparql_pool")
    if pool:
        pool.close()


def test_search_as_csv_and_json_from_the_same_url(client) -> None:  # noqa: ANN001
    data = client.get("/search?q=technicien&format=json").get_json()
    assert data["total"] > 20 and data["pages"] > 1 and data["facets"]["kind"]
    assert data["results"][0]["url"].startswith("/resource/")
    r = client.get("/search?q=technicien", headers={"Accept": "text/csv"})
    assert r.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert table[0][:3] == ["rank", "code", "label"] and len(table) - 1 == data["total"]
    assert client.get("/search?q=technicien&format=csv").get_data() == r.get_data()
    page2 = client.get("/search?q=technicien&page=2&format=json").get_json()
    assert page2["page"] == 2 and page2["results"][0]["iri"] != data["results"][0]["iri"]


def test_search_page_shows_facets_pagination_and_the_kind(client) -> None:  # noqa: ANN001
    body = client.get("/search?q=technicien").get_data(as_text=True)
    assert 'class="facets"' in body and 'rel="next"' in body and "format=csv" in body
    body = client.get("/search?q=CQPI").get_data(as_text=True)
    assert "Lu comme le type" in body and "literal=1" in body
    en = client.get("/search?q=CQPI&lang=en").get_data(as_text=True)
    assert "Read as the kind" in en and "Lu comme" not in en


def test_home_figures_come_from_the_facet_table(client, rows) -> None:  # noqa: ANN001
    data = client.get("/?format=json").get_json()
    assert data["counts"]["certifications"] == len(rows)
    assert data["counts"]["cqpi"] == sum(r.kind == "CQPI" for r in rows)
    assert sum(data["status"].values()) == len(rows)


def test_a_warm_worker_has_read_every_index_before_its_first_request(
    full_store_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from web import create_app
    from web.warm import warm

    app = create_app({"CQPI_STORE": str(full_store_path)})
    try:
        with caplog.at_level(logging.WARNING):
            times = warm(app)
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # every first page rendered
        assert set(times) == {
            "search",
            "catalog",
            "recognition graph",
            "competence index",
            "text model",
            "templates",
            "sparql worker",
            "first pages",
        }
        assert app.extensions["cqpi_sparql_pool"]._count == 1
        assert app.test_client().get("/paths?from=CEI").status_code == 200
    finally:
        pool = app.extensions.get("cqpi_sparql_pool")
        if pool:
            pool.close()
