"""`cqpi fetch` and `cqpi update` against a local portal (127.0.0.1) serving ../shared/data.

The portal answers like data.gouv.fr's dataset API and like the publishers' file servers; each
test replays one thing the real services do: a first fetch, an unchanged second one, a newer
export, an interrupted transfer, a corrupted or truncated file, a 404, a timeout. No request
leaves 127.0.0.1 (a socket guard refuses any other address).
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from portal_server import Fault, Portal, start

from cqpi_graph.cli import main
from cqpi_graph.errors import FetchError, InputError
from cqpi_graph.fetch import fetch, load_sources, origin_of, read_manifest, update
from cqpi_graph.fetch.download import Http
from cqpi_graph.fetch.portal import newest
from cqpi_graph.importers.discover import discover
from cqpi_graph.store import open_store

RNCP_2024 = "rncp/export-fiches-csv-2024-02-22.zip"
RNCP_2021 = "rncp/export-fiches-csv-2021-02-01-reconstructed.zip"
ROME_FILES = ("unix_referentiel_code_rome_v460_utf8.csv", "unix_arborescence_thematique_v460_utf8.csv")
ESCO_TOP = "ESCO dataset - v1.2.1 - classification - fr - csv"


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to an address other than 127.0.0.1 fails the test."""
    real = socket.socket.connect

    def connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if host not in ("127.0.0.1", "::1"):
            raise AssertionError(f"connexion réseau hors de 127.0.0.1 : {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.delenv("CQPI_SOURCES", raising=False)
    monkeypatch.delenv("CQPI_REGISTRIES", raising=False)


@pytest.fixture
def portal() -> Iterator[Portal]:
    state = Portal()
    server, thread = start(state)
    yield state
    server.shutdown()
    server.server_close()
    thread.join(5)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def redated(shared: Path, day: str, drop: str | None = None) -> bytes:
    """The 2024-02-22 export as the portal would publish it another day (member names carry
    the date), optionally without one fiche (its rows removed from every file)."""
    out = {}
    with zipfile.ZipFile(shared / RNCP_2024) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            if drop:
                data = b"".join(line for line in data.splitlines(keepends=True) if drop.encode() not in line)
            out[info.filename.replace("2024_02_22", day.replace("-", "_"))] = data
    return _zip(out)


@pytest.fixture
def site(portal: Portal, shared_data: Path, tmp_path: Path) -> dict:
    """The five sources published on the local portal, and a sources file pointing at them."""
    publish(
        portal,
        "export-fiches-csv-2024-02-22.zip",
        (shared_data / RNCP_2024).read_bytes(),
        "2024-02-22T03:02:07.320000+00:00",
    )
    portal.put("/bcn/export/CSV", (shared_data / "bcn/N_FORMATION_DIPLOME.csv").read_bytes())
    portal.put("/kit/kit.csv", (shared_data / "kit/kit-apprentissage-rncp-v3.0.csv").read_bytes())
    portal.put("/rome/open-data/csv", _zip({n: (shared_data / "rome" / n).read_bytes() for n in ROME_FILES}))
    esco = {
        f"{ESCO_TOP}/{n}": (shared_data / "esco" / n).read_bytes()
        for n in ("skills_fr.csv", "skillGroups_fr.csv")
    }
    portal.put("/esco/csv.zip", _zip(esco))
    config = tmp_path / "sources.toml"
    config.write_text(
        f"""
[rncp]
dataset = "{portal.dataset_url("rncp-test")}"
[bcn]
url = "{portal.url("/bcn/export/CSV")}?n=N_FORMATION_DIPLOME&separator=%3B"
[kit]
url = "{portal.url("/kit/kit.csv")}"
[rome]
url = "{portal.url("/rome/open-data/csv")}"
[esco]
url = "{portal.url("/esco/csv.zip")}"
""",
        encoding="utf-8",
    )
    return {"config": config, "into": tmp_path / "registries", "shared": shared_data}


def publish(portal: Portal, title: str, data: bytes, modified: str) -> dict:
    """A new resource of the RNCP dataset."""
    return portal.resource("rncp-test", title, data, modified)


def run(site: dict, **kw):  # noqa: ANN201 - a FetchReport
    kw.setdefault("http", Http(timeout=5, retries=0))
    return fetch(site["into"], config=site["config"], use_user_config=False, **kw)


def statuses(report) -> dict[str, str]:  # noqa: ANN001
    return {r.source: r.status for r in report.results}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- first and second fetch


def test_first_fetch_lays_out_what_build_reads(site: dict, portal: Portal) -> None:
    report = run(site)
    assert statuses(report) == dict.fromkeys(("rncp", "bcn", "kit", "rome", "esco"), "new")
    into, shared = site["into"], site["shared"]
    assert (into / "rncp/export-fiches-csv-2024-02-22.zip").read_bytes() == (shared / RNCP_2024).read_bytes()
    assert sha(into / "bcn/N_FORMATION_DIPLOME.csv") == sha(shared / "bcn/N_FORMATION_DIPLOME.csv")
    assert (into / "esco/skills_fr.csv").is_file()  # the archive's top folder is flattened
    found = {name: path.relative_to(into).as_posix() for name, path in discover(into)}
    assert found == {
        "rncp": "rncp/export-fiches-csv-2024-02-22.zip",
        "bcn": "bcn/N_FORMATION_DIPLOME.csv",
        "kit": "kit/kit-apprentissage-rncp.csv",
        "rome": "rome",
        "esco": "esco",
    }
    assert {(n, into / p) for n, p in found.items()} == set(report.imports())
    # Provenance beside the files: publisher, licence, portal title and date, checksums.
    entry, rec = origin_of(into / "rncp/export-fiches-csv-2024-02-22.zip")
    assert entry.publisher == "France compétences" and "Licence Ouverte" in entry.licence
    assert entry.origin.title == "export-fiches-csv-2024-02-22.zip"
    assert entry.origin.published.startswith("2024-02-22") and entry.origin.checksum_type == "sha1"
    assert rec.sha256 == sha(shared / RNCP_2024)
    assert [s.method for s in portal.seen if s.path == "/bcn/export/CSV"] == ["POST"]


def test_second_fetch_changes_nothing(site: dict, portal: Portal) -> None:
    run(site)
    manifest = (site["into"] / "cqpi-fetch.json").read_text()
    portal.seen.clear()
    report = run(site)
    assert set(statuses(report).values()) == {"unchanged"}
    # The portal's resource is not downloaded again; fixed URLs are asked conditionally.
    assert not portal.requests_to("/resources/rncp-test/export-fiches-csv-2024-02-22.zip")
    rome = portal.requests_to("/rome/open-data/csv")
    assert len(rome) == 1 and rome[0].headers.get("If-None-Match")
    # A POST export cannot be asked conditionally: downloaded, compared, recognised.
    bcn = next(r for r in report.results if r.source == "bcn")
    assert "même fichier" in bcn.message
    assert (
        json.loads((site["into"] / "cqpi-fetch.json").read_text())["sources"]["rncp"]
        == json.loads(manifest)["sources"]["rncp"]
    )


def test_newer_resource_replaces_the_older(site: dict, portal: Portal) -> None:
    run(site)
    publish(
        portal,
        "export-fiches-csv-2024-02-23.zip",
        redated(site["shared"], "2024-02-23"),
        "2024-02-23T03:01:00+00:00",
    )
    portal.resource(
        "rncp-test", "export-fiches-rs-v4-1-2024-02-23.zip", b"PK other kind", "2024-02-23T04:00:00Z"
    )
    report = run(site, sources=["rncp"])
    assert statuses(report) == {"rncp": "updated"}
    rncp = site["into"] / "rncp"
    assert sorted(p.name for p in rncp.iterdir()) == ["export-fiches-csv-2024-02-23.zip"]
    assert dict(discover(site["into"]))["rncp"] == rncp / "export-fiches-csv-2024-02-23.zip"
    assert read_manifest(site["into"]).sources["rncp"].origin.published.startswith("2024-02-23")


# ---------------------------------------------------------------- interrupted, corrupted, refused


def test_interrupted_download_resumes_where_it_stopped(site: dict, portal: Portal) -> None:
    national = (site["shared"] / RNCP_2021).read_bytes()
    portal.datasets["rncp-test"].clear()
    res = portal.resource("rncp-test", "export-fiches-csv-2021-02-01.zip", national, "2021-02-01T03:00:00Z")
    path = res["url"].split(str(portal.port), 1)[1]
    portal.faults[path] = Fault(cut_after=700_000)
    first = run(site, sources=["rncp"])
    assert statuses(first) == {"rncp": "failed"}
    assert (
        "téléchargement interrompu à" in first.results[0].message and "sur 1,8 Mo" in first.results[0].message
    )
    assert not (site["into"] / "rncp").exists()
    got = (site["into"] / ".cqpi-fetch/rncp.part").stat().st_size
    assert got == 700_000  # every byte that arrived is kept
    second = run(site, sources=["rncp"])
    assert statuses(second) == {"rncp": "new"} and second.results[0].resumed_from == got
    assert portal.requests_to(path)[-1].headers["Range"] == f"bytes={got}-"
    assert (site["into"] / "rncp/export-fiches-csv-2021-02-01.zip").read_bytes() == national
    assert not list((site["into"] / ".cqpi-fetch").glob("rncp.part*"))


def test_retry_resumes_within_the_same_run(site: dict, portal: Portal) -> None:
    path = "/resources/rncp-test/export-fiches-csv-2024-02-22.zip"
    portal.faults[path] = Fault(cut_after=2000)
    report = run(site, sources=["rncp"], http=Http(timeout=5, retries=1, backoff=0))
    assert statuses(report) == {"rncp": "new"} and report.results[0].resumed_from == 2000
    assert report.results[0].size == (site["shared"] / RNCP_2024).stat().st_size


def test_corrupted_file_is_refused_and_the_previous_kept(site: dict, portal: Portal) -> None:
    run(site, sources=["rncp"])
    good = site["into"] / "rncp/export-fiches-csv-2024-02-22.zip"
    before = good.read_bytes()
    newer = redated(site["shared"], "2024-02-23")
    res = portal.resource("rncp-test", "export-fiches-csv-2024-02-23.zip", newer, "2024-02-23T03:01:00Z")
    flipped = bytearray(newer)
    flipped[len(flipped) // 2] ^= 0xFF
    portal.put(res["url"].split(str(portal.port), 1)[1], bytes(flipped))
    report = run(site, sources=["rncp"])
    result = report.results[0]
    assert result.status == "failed" and "somme de contrôle SHA1" in result.message
    assert "les fichiers en place sont gardés" in result.message
    assert good.read_bytes() == before and sorted(p.name for p in good.parent.iterdir()) == [good.name]
    assert result.import_path == "rncp/export-fiches-csv-2024-02-22.zip"  # still what is imported
    assert not list((site["into"] / ".cqpi-fetch").glob("rncp.part*"))


def test_truncated_archive_without_checksum_is_refused(site: dict, portal: Portal) -> None:
    run(site, sources=["rome"])
    before = sorted(p.name for p in (site["into"] / "rome").iterdir())
    full = portal.files["/rome/open-data/csv"].data
    portal.put("/rome/open-data/csv", full[: len(full) // 2], when=1_800_000_000)
    report = run(site, sources=["rome"])
    assert report.results[0].status == "failed" and "archive ZIP" in report.results[0].message
    assert sorted(p.name for p in (site["into"] / "rome").iterdir()) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<!DOCTYPE html><html><body>Maintenance</body></html>", "page HTML"),
        (b"CODE;LIBELLE\n1;x\n", "colonnes absentes : FORMATION_DIPLOME"),
    ],
)
def test_wrong_content_is_refused(site: dict, portal: Portal, body: bytes, expected: str) -> None:
    run(site, sources=["bcn"])
    portal.put("/bcn/export/CSV", body)
    report = run(site, sources=["bcn"])
    assert report.results[0].status == "failed" and expected in report.results[0].message
    assert sha(site["into"] / "bcn/N_FORMATION_DIPLOME.csv") == sha(
        site["shared"] / "bcn/N_FORMATION_DIPLOME.csv"
    )


def test_shrunk_export_is_refused_unless_allowed(site: dict, portal: Portal) -> None:
    """The national export replaced by a 9-fiche one: refused as probably truncated."""
    portal.datasets["rncp-test"].clear()
    publish(
        portal,
        "export-fiches-csv-2021-02-01.zip",
        (site["shared"] / RNCP_2021).read_bytes(),
        "2021-02-01T03:00:00Z",
    )
    run(site, sources=["rncp"])
    publish(
        portal,
        "export-fiches-csv-2024-02-22.zip",
        (site["shared"] / RNCP_2024).read_bytes(),
        "2024-02-22T03:00:00Z",
    )
    refused = run(site, sources=["rncp"])
    assert refused.results[0].status == "failed" and "--allow-shrink" in refused.results[0].message
    assert (site["into"] / "rncp/export-fiches-csv-2021-02-01.zip").is_file()
    allowed = run(site, sources=["rncp"], max_shrink=None)
    assert statuses(allowed) == {"rncp": "updated"}


def test_404_and_timeout_say_what_happened_and_keep_the_files(site: dict, portal: Portal) -> None:
    run(site, sources=["kit", "rome", "rncp"])
    kept = {p: sha(p) for p in site["into"].rglob("*") if p.is_file() and ".cqpi-fetch" not in p.parts}
    portal.faults["/kit/kit.csv"] = Fault(status=404)
    portal.faults["/rome/open-data/csv"] = Fault(delay=2.0)
    portal.faults["/api/1/datasets/rncp-test/"] = Fault(status=503)
    report = run(site, sources=["kit", "rome", "rncp"], http=Http(timeout=0.5, retries=0))
    by = {r.source: r for r in report.results}
    assert {r.status for r in report.results} == {"failed"}
    assert "HTTP 404 Not Found pour " + portal.url("/kit/kit.csv") in by["kit"].message
    assert "délai dépassé : pas de réponse de 127.0.0.1" in by["rome"].message
    assert "HTTP 503" in by["rncp"].message and "rncp-test" in by["rncp"].message
    for r in report.results:
        assert r.message.endswith("les fichiers en place sont gardés") and r.import_path
    assert {p: sha(p) for p in kept} == kept
    assert {n for n, _ in report.imports()} == {"kit", "rome", "rncp"}


# ---------------------------------------------------------------- dry run, mirror


def test_dry_run_lists_what_would_change_and_writes_nothing(site: dict, portal: Portal) -> None:
    fresh = run(site, dry_run=True)
    assert set(statuses(fresh).values()) == {"would-add"} and not site["into"].exists()
    run(site)
    manifest = (site["into"] / "cqpi-fetch.json").read_bytes()
    publish(
        portal,
        "export-fiches-csv-2024-02-23.zip",
        redated(site["shared"], "2024-02-23"),
        "2024-02-23T03:01:00Z",
    )
    portal.put("/esco/csv.zip", _zip({"skills_fr.csv": (site["shared"] / "esco/skills_fr.csv").read_bytes()}))
    report = run(site, dry_run=True)
    assert statuses(report) == {
        "rncp": "would-update",
        "bcn": "unknown",  # produced on demand (POST): only a download can tell
        "kit": "unchanged",
        "rome": "unchanged",
        "esco": "would-update",
    }
    assert (site["into"] / "cqpi-fetch.json").read_bytes() == manifest
    assert not (site["into"] / "rncp/export-fiches-csv-2024-02-23.zip").exists()
    assert "simulation" in report.lines()[-1]


def test_mirror_serves_an_air_gapped_machine(site: dict, portal: Portal, tmp_path: Path) -> None:
    run(site)
    portal.static["/mirror/"] = site["into"]
    inside = tmp_path / "inside"
    http = Http(timeout=5, retries=0)
    report = fetch(inside, mirror=portal.url("/mirror/"), http=http, use_user_config=False)
    assert set(statuses(report).values()) == {"new"}
    for name, path in discover(site["into"]):
        twin = inside / path.relative_to(site["into"])
        files = [path] if path.is_file() else sorted(path.rglob("*"))
        assert [sha(f) for f in files] == [sha(twin / f.relative_to(path)) for f in files], name
    assert read_manifest(inside).sources["rncp"].origin.mirror == portal.url("/mirror")
    again = fetch(inside, mirror=portal.url("/mirror/"), http=http, use_user_config=False)
    assert set(statuses(again).values()) == {"unchanged"}
    # A mirror file that does not match its index is refused; a path works as well as a URL.
    (site["into"] / "kit/kit-apprentissage-rncp.csv").write_text("Code Diplôme;FicheRNCP\n", encoding="utf-8")
    other = fetch(tmp_path / "other", mirror=str(site["into"]), http=http, use_user_config=False)
    by = {r.source: r for r in other.results}
    assert by["kit"].status == "failed" and "SHA-256" in by["kit"].message
    assert by["rncp"].status == "new" and not (tmp_path / "other/kit").exists()
    with pytest.raises(InputError, match="absente de l'index du miroir : nope"):
        fetch(inside, mirror=str(site["into"]), sources=["nope"], use_user_config=False)


# ---------------------------------------------------------------- update


def test_update_imports_only_what_changed(site: dict, portal: Portal, tmp_path: Path) -> None:
    store = tmp_path / "store"
    kw = {"into": site["into"], "config": site["config"], "use_user_config": False, "sources": ["rncp"]}
    first = update(store, http=Http(timeout=5, retries=0), **kw)
    assert first.built and [r.source for r in first.imported] == ["rncp"]
    ask = "ASK { <https://w3id.org/cqpi/id/cert/RNCP30271> ?p ?o }"
    with open_store(store) as s:
        assert s.ask(ask)
    second = update(store, http=Http(timeout=5, retries=0), **kw)
    assert not second.built and second.ok and second.imported == [] and second.imports[0].skipped
    publish(
        portal,
        "export-fiches-csv-2024-02-23.zip",
        redated(site["shared"], "2024-02-23", "RNCP30271"),
        "2024-02-23T03:01:00Z",
    )
    third = update(store, http=Http(timeout=5, retries=0), **kw)
    assert statuses(third.fetch) == {"rncp": "updated"}
    assert [r.files for r in third.imported] == [["export-fiches-csv-2024-02-23.zip"]]
    with open_store(store) as s:
        assert not s.ask(ask)


def test_cli_fetch_and_update(site: dict, portal: Portal, store_env: Path) -> None:
    runner = CliRunner()
    args = ["--sources", str(site["config"]), "--into", str(site["into"]), "--source", "rncp"]
    out = runner.invoke(main, ["fetch", *args, "--dry-run"])
    assert out.exit_code == 0 and "rncp\tà télécharger" in out.output
    out = runner.invoke(main, ["fetch", *args])
    assert out.exit_code == 0, out.output
    assert "rncp\tnouveau\trncp/export-fiches-csv-2024-02-22.zip (5,0 Ko, publié le 2024-02-22)" in out.output
    assert "France compétences — Licence Ouverte" in out.output
    out = runner.invoke(main, ["update", *args])
    assert out.exit_code == 0, out.output
    assert "rncp\tinchangé" in out.output and "import rncp (export-fiches-csv-2024-02-22.zip)" in out.output
    portal.faults["/api/1/datasets/rncp-test/"] = Fault(status=404)
    out = runner.invoke(main, ["fetch", *args, "--format", "json"])
    assert out.exit_code == 1 and json.loads(out.output)["sources"][0]["status"] == "failed"


# ---------------------------------------------------------------- configuration


def test_default_sources_name_publisher_licence_and_address() -> None:
    sources = load_sources(use_user_file=False)
    assert list(sources) == ["rncp", "bcn", "kit", "rome", "esco"]
    for src in sources.values():
        assert src.publisher and src.licence and src.page.startswith("https://"), src.name
        assert src.configured or src.note, src.name
    assert sources["rncp"].dataset.startswith("https://www.data.gouv.fr/api/1/datasets/")
    assert not sources["kit"].configured  # no stable public file: said, not invented


def test_newest_resource_of_the_kind_asked() -> None:
    """Resources as data.gouv.fr lists them: several kinds and days, in no particular order."""
    src = load_sources(use_user_file=False)["rncp"]

    def res(title: str, modified: str | None, fmt: str = "zip", **extra: object) -> dict:
        r = {"id": title, "title": title, "format": fmt, "type": "main", "mime": "application/zip"}
        r |= {"url": f"https://static.data.gouv.fr/resources/x/{title}", **extra}
        return r | ({"last_modified": modified} if modified else {"created_at": "2024-02-20T03:00:00Z"})

    answer = {
        "id": "5eebbc067a14b6fecc9c9976",
        "resources": [
            res("export-fiches-csv-2024-02-21.zip", "2024-02-21T03:02:07.320000+00:00"),
            res("export-fiches-rs-v4-1-2024-02-23.zip", "2024-02-23T03:00:50+00:00"),
            res(
                "export-fiches-csv-2024-02-22.zip",
                "2024-02-22T03:02:07.320000+00:00",
                checksum={"type": "sha1", "value": "ABC"},
                filesize=123,
            ),
            res("export-fiches-csv-2024-02-20.zip", None),
            res("documentation-export.pdf", "2024-02-24T00:00:00+00:00", "pdf"),
        ],
    }
    chosen = newest(src, answer)
    assert chosen.title == "export-fiches-csv-2024-02-22.zip"
    assert (chosen.checksum_type, chosen.checksum, chosen.filesize) == ("sha1", "abc", 123)
    with pytest.raises(FetchError, match=r"aucune ressource.*\(2 ressources : documentation"):
        newest(src, {"resources": answer["resources"][1::3]})
    with pytest.raises(FetchError, match="pas de liste « resources »"):
        newest(src, {"message": "Not found"})


def test_user_file_overrides_adds_and_checks(tmp_path: Path) -> None:
    f = tmp_path / "s.toml"
    lines = ["[kit]", 'url = "https://intranet.example/kit.csv"', "[rome]", "enabled = false"]
    lines += ["[extra]", 'url = "https://x.example/a.csv"', 'importer = "bcn"']
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sources = load_sources(f)
    assert sources["kit"].url == "https://intranet.example/kit.csv" and sources["kit"].columns
    assert "rome" not in sources and sources["extra"].importer_name == "bcn"
    f.write_text('[rncp]\nurll = "x"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"\[rncp\] urll.*champ inconnu"):
        load_sources(f)
    f.write_text("[rncp]\nresource = '('\n", encoding="utf-8")
    with pytest.raises(InputError, match="expression régulière invalide"):
        load_sources(f)


def test_unknown_source_and_foreign_folder(site: dict, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="source inconnue : nope"):
        run(site, sources=["nope"])
    (site["into"] / "rome").mkdir(parents=True)
    (site["into"] / "rome/mine.csv").write_text("x")
    report = run(site, sources=["rome"])
    assert (
        report.results[0].status == "failed"
        and "n'a pas été créé par cqpi fetch" in report.results[0].message
    )
    assert (site["into"] / "rome/mine.csv").read_text() == "x"


def test_one_fetch_at_a_time_per_folder(site: dict) -> None:
    import fcntl

    (site["into"] / ".cqpi-fetch").mkdir(parents=True)
    with open(site["into"] / ".cqpi-fetch/lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(FetchError, match="un autre cqpi fetch écrit déjà"):
            run(site, sources=["kit"])
    assert statuses(run(site, sources=["kit"])) == {"kit": "new"}


def test_discover_skips_the_work_folder(site: dict, portal: Portal) -> None:
    portal.faults["/rome/open-data/csv"] = Fault(cut_after=100)
    run(site, sources=["rome", "bcn"])
    assert (site["into"] / ".cqpi-fetch/rome.part").is_file()
    (site["into"] / ".cqpi-fetch/rome.staged").mkdir()
    (site["into"] / ".cqpi-fetch/rome.staged/unix_referentiel_code_rome_v460_utf8.csv").write_text("x")
    assert [n for n, _ in discover(site["into"])] == ["bcn"]


def test_fetch_error_is_a_cqpi_error() -> None:
    assert FetchError("x", url="u").url == "u" and FetchError("x").exit_code == 1
