"""Find the registry exports in a folder, so that one option builds with all of them.

A user downloads the exports (RNCP/RS zip or XML, BCN, the BCN↔RNCP kit, ROME, ESCO) into one
folder, as ../shared/data holds them; `cqpi build --registries DIR` imports each one it
recognises, by content for the RNCP files and by the publishers' file names for the others.
`cqpi fetch` fills such a folder; hidden folders (its work folder `.cqpi-fetch`) are skipped.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import InputError

ORDER = ("rncp", "bcn", "kit", "rome", "esco")


def _is_rncp(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                return any("export_fiches_CSV" in n for n in zf.namelist())
        except zipfile.BadZipFile:
            return True  # an RNCP-looking zip that is broken: let the importer say why
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<") and b"<FICHES" in head


def discover(directory: Path) -> list[tuple[str, Path]]:
    """(importer name, path) for each export found under directory, in import order."""
    root = Path(directory)
    if not root.is_dir():
        raise InputError(
            "dossier introuvable",
            file=str(root),
            field="--registries",
            expected="un dossier contenant les exports des registres",
        )
    found: dict[str, list[Path]] = {name: [] for name in ORDER}
    for path in sorted(root.rglob("*")):
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue  # hidden: `cqpi fetch`'s partial downloads and staging folders, .git…
        name = path.name
        if path.is_file():
            if name.lower().endswith((".zip", ".xml")) and _is_rncp(path):
                found["rncp"].append(path)
            elif name.startswith("N_FORMATION_DIPLOME") and name.endswith(".csv"):
                found["bcn"].append(path)
            elif name.startswith("kit-apprentissage") and name.endswith(".csv"):
                found["kit"].append(path)
        elif path.is_dir():
            if any(path.glob("unix_referentiel_code_rome_*.csv")):
                found["rome"].append(path)
            elif (path / "skills_fr.csv").is_file() or any(path.glob("skills_*.csv")):
                found["esco"].append(path)
    out = [(name, p) for name in ORDER for p in found[name]]
    if not out:
        raise InputError(
            "aucun export de registre reconnu dans ce dossier",
            file=str(root),
            field="--registries",
            expected="export RNCP (zip ou XML), N_FORMATION_DIPLOME.csv, "
            "kit-apprentissage-rncp-*.csv, dossier ROME, dossier ESCO",
        )
    return out
