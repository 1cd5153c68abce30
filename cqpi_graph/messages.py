# ruff: noqa: E501 - the translation table keeps each message on one line
"""Messages a person reads, French first and English complete: a key (the French template) and its
parameters, rendered in the language asked for.

The library raises errors whose text is a `Message`; the command line prints them in French
(``str()``), the web view renders them in the page's language (``render(lang)``). A parameter may
itself be a `Message` (rendered in the same language) or text that belongs to no language — a file
name, a code, a parser's own diagnostic — kept as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("fr", "en")


@dataclass(frozen=True)
class Message:
    key: str  # the French template, with {name} placeholders
    params: tuple[tuple[str, object], ...] = ()

    def template(self, lang: str = "fr", catalog: dict[str, str] | None = None) -> str:
        """``catalog``: a caller's English table (the web view's), looked up before the library's."""
        if lang != "en":
            return self.key
        return (catalog or {}).get(self.key) or EN.get(self.key, self.key)

    def render(self, lang: str = "fr", catalog: dict[str, str] | None = None) -> str:
        values = {name: render(value, lang, catalog) for name, value in self.params}
        return self.template(lang, catalog).format(**values)

    def __str__(self) -> str:
        return self.render("fr")


@dataclass(frozen=True)
class Size:
    """A number of bytes, in the units and decimal mark of each language (1,5 Mo · 1.5 MB)."""

    n: float
    whole_mb: bool = False  # "1 024 Mo": a limit, in whole megabytes

    def render(self, lang: str = "fr") -> str:
        units = ("Go", "Mo", "Ko", "o") if lang != "en" else ("GB", "MB", "KB", "B")
        if self.whole_mb:
            return f"{self.n / (1 << 20):,.0f} {units[1]}".replace(",", " " if lang != "en" else ",")
        for unit, scale in zip(units, (1 << 30, 1 << 20, 1 << 10), strict=False):
            if self.n >= scale:
                text = f"{self.n / scale:.1f} {unit}"
                return text.replace(".", ",") if lang != "en" else text
        return f"{int(self.n)} {units[-1]}"

    def __str__(self) -> str:
        return self.render("fr")


@dataclass(frozen=True)
class Quoted:
    """Text the library passes on but did not write — a parser's diagnostic, a server's answer —
    in its own language (``lang``; None when unknown): shown as it is, marked as such on a page."""

    text: str
    lang: str | None = "en"

    def render(self, lang: str = "fr") -> str:  # noqa: ARG002 - the same in every language
        return self.text

    def __str__(self) -> str:
        return self.text


def msg(key: str, **params: object) -> Message:
    """A message to render later: ``msg("ligne {line}", line=3)``."""
    return Message(key, tuple(params.items()))


def render(value: object, lang: str = "fr", catalog: dict[str, str] | None = None) -> str:
    """A message in ``lang``; anything else (a code, a parser's text) as it is."""
    if isinstance(value, Message):
        return value.render(lang, catalog)
    if isinstance(value, Size | Quoted):
        return value.render(lang)
    return "" if value is None else str(value)


EN: dict[str, str] = {
    # where in a file (errors.InputError)
    "ligne {line}": "line {line}",
    "colonne {column}": "column {column}",
    "champ « {field} »": "field « {field} »",
    "{before}, {after}": "{before}, {after}",
    "{where} : {what}": "{where}: {what}",
    "{text} (attendu : {expected})": "{text} (expected: {expected})",
    # reading a file a person sends (validate/inputs.py, validate/spreadsheet.py, importers/csvread.py)
    "{format} illisible : {detail}": "{format} unreadable: {detail}",
    "fichier illisible : {detail}": "unreadable file: {detail}",
    "fichier introuvable": "file not found",
    "un fichier {format} valide": "a valid {format} file",
    "Turtle (.ttl), JSON-LD (.jsonld), RDF/XML (.rdf), N-Triples (.nt), modèle tableur XLSX ou CSV": "Turtle (.ttl), JSON-LD (.jsonld), RDF/XML (.rdf), N-Triples (.nt), XLSX or CSV spreadsheet template",
    "extension « {ext} » non reconnue": "extension « {ext} » not recognised",
    "(aucune)": "(none)",
    "classeur XLSX illisible : {detail}": "unreadable XLSX workbook: {detail}",
    "un classeur XLSX du modèle (cqpi template --format xlsx)": "an XLSX workbook of the template (cqpi template --format xlsx)",
    "un classeur XLSX du modèle": "an XLSX workbook of the template",
    "CSV illisible : le fichier n'est pas en UTF-8": "unreadable CSV: the file is not UTF-8",
    "un CSV UTF-8 du modèle (cqpi template --format csv)": "a UTF-8 CSV of the template (cqpi template --format csv)",
    "CSV illisible : {detail}": "unreadable CSV: {detail}",
    "un CSV du modèle (cqpi template --format csv)": "a CSV of the template (cqpi template --format csv)",
    "extension « {ext} » : modèle tableur attendu": "extension « {ext} »: a spreadsheet template was expected",
    "xlsx ou csv": "xlsx or csv",
    "format de modèle inconnu : {format}": "unknown template format: {format}",
    "fichier vide": "empty file",
    "fichier vide (pas de ligne d'en-tête)": "empty file (no header row)",
    "une ligne d'en-tête": "a header row",
    "une ligne d'en-tête puis des lignes de données": "a header row, then data rows",
    "fichier en UTF-16": "file in UTF-16",
    "UTF-8, Windows-1252 ou Latin-1": "UTF-8, Windows-1252 or Latin-1",
    "octets invalides pour l'encodage {encoding} : {detail}": "invalid bytes for the {encoding} encoding: {detail}",
    # untrusted files over a limit (sandbox.py, untrusted.py)
    "temps de calcul dépassé ({seconds} s) : lecture arrêtée": "computing time exceeded ({seconds} s): reading stopped",
    "délai dépassé ({seconds} s) : lecture arrêtée": "time limit exceeded ({seconds} s): reading stopped",
    "mémoire dépassée ({size}) : lecture arrêtée": "memory exceeded ({size}): reading stopped",
    "contenu trop volumineux (plus de {size} une fois lu) : lecture arrêtée": "content too large (over {size} once read): reading stopped",
    "imbrication trop profonde : lecture arrêtée": "nesting too deep: reading stopped",
    "le lecteur s'est arrêté sur ce fichier (mémoire ou imbrication) : lecture refusée": "the reader stopped on this file (memory or nesting): reading refused",
    "un fichier de taille raisonnable": "a file of reasonable size",
    "archive trop grosse une fois décompressée : {unpacked} pour {packed} compressés (×{ratio}) ; membre le plus gros : {member} ({member_size})": "archive too large once unpacked: {unpacked} for {packed} compressed (×{ratio}); largest member: {member} ({member_size})",
    "au plus {unpacked} décompressés et, au-delà de {floor}, un taux de compression d'au plus ×{ratio}": "at most {unpacked} unpacked and, beyond {floor}, a compression ratio of at most ×{ratio}",
    "entité externe « {ent} » ({source}) refusée": "external entity « {ent} » ({source}) refused",
    "entité paramètre « %{ent} » refusée": "parameter entity « %{ent} » refused",
    "entité « {ent} » refusée : ce format n'en a jamais": "entity « {ent} » refused: this format never has any",
    "entité « {ent} » définie par d'autres entités : refusée": "entity « {ent} » defined by other entities: refused",
    "entité « {ent} » de {n} caractères (au plus {most}) refusée": "entity « {ent} » of {n} characters (at most {most}) refused",
    "éléments imbriqués sur plus de {depth} niveaux": "elements nested over more than {depth} levels",
    "expansion d'entités refusée ({detail})": "entity expansion refused ({detail})",
    "un XML sans entité externe ni entité imbriquée": "an XML document without external or nested entities",
    "JSON imbriqué sur plus de {depth} niveaux : lecture refusée": "JSON nested over more than {depth} levels: reading refused",
    "un document JSON-LD imbriqué sur au plus {depth} niveaux": "a JSON-LD document nested over at most {depth} levels",
    # queries (store/embedded.py, store/remote.py)
    "requête SPARQL invalide : {detail}": "invalid SPARQL query: {detail}",
    "mise à jour SPARQL invalide : {detail}": "invalid SPARQL update: {detail}",
    "une requête {form} était attendue": "a {form} query was expected",
    "une requête SELECT était attendue": "a SELECT query was expected",
    "une requête ASK était attendue": "an ASK query was expected",
}
