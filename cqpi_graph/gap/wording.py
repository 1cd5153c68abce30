"""The sentences a gap answer carries, French first, English complete (one language per answer)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "method": {
        "fr": (
            "estimation calculée d'après les textes, jamais une reconnaissance : un bloc de la cible est "
            "« probablement couvert » quand au moins {share:.0%} de ses textes (son intitulé, ou ses "
            "compétences quand il les liste) ont, parmi les blocs et compétences des certifications de "
            "la personne, un texte de score ≥ {threshold} (le plus haut du cosinus des deux textes et "
            "du plus bas de leurs cosinus avec une compétence ROME ou ESCO commune) ; « à acquérir » "
            "sinon ; « couvert » seulement par une reconnaissance déclarée (chemins, modèle de coût)"
        ),
        "en": (
            "an estimate computed from the texts, never a recognition: a bloc of the target is "
            "« probably covered » when at least {share:.0%} of its texts (its title, or its competences "
            "when it lists them) have, among the blocs and competences of the person's certifications, "
            "a text scoring ≥ {threshold} (the higher of the cosine of the two texts and the lower of "
            "their cosines with a shared ROME or ESCO competence); « to acquire » otherwise; « covered » "
            "only through a declared recognition (paths, cost model)"
        ),
    },
    "same": {
        "fr": "la personne détient déjà cette certification",
        "en": "the person already holds this certification",
    },
    "unpublished": {
        "fr": "les blocs de {code} ne sont pas publiés : ce qui reste à acquérir est inconnu",
        "en": "the blocs of {code} are not published: what is left to acquire is unknown",
    },
    "no_text": {
        "fr": "{code} n'a ni bloc ni compétence dans le graphe : rien n'est estimé à partir d'elle",
        "en": "{code} has no bloc or competence in the graph: nothing is estimated from it",
    },
    "no_source_text": {
        "fr": "aucune certification de la personne n'a de texte : les blocs non couverts restent inconnus",
        "en": "none of the person's certifications has a text: the blocs not covered stay unknown",
    },
    "untexted": {
        "fr": "{n} bloc(s) sans intitulé ni compétence : inconnu(s)",
        "en": "{n} bloc(s) without title or competence: unknown",
    },
    "inactive": {
        "fr": "la cible est inactive d'après {source}",
        "en": "the target is inactive according to {source}",
    },
    "partial_blocs": {
        "fr": "{n} bloc(s) dont seule une partie des compétences correspond : à acquérir (voir les preuves)",
        "en": "{n} bloc(s) of which only some competences match: to acquire (see the evidence)",
    },
    "declared_whole": {
        "fr": "les énoncés déclarés cités couvrent toute la cible",
        "en": "the declared statements cited cover the whole target",
    },
    "declared_unpublished": {
        "fr": "blocs de la cible non publiés : coût déclaré inconnu",
        "en": "the target's blocs are not published: declared cost unknown",
    },
    "declared_unknown_scope": {
        "fr": "un chemin déclaré a un coût inconnu (périmètre non précisé par la source)",
        "en": "a declared path has an unknown cost (scope not stated by the source)",
    },
    "declared_none": {
        "fr": "aucune reconnaissance déclarée : selon les sources, tout bloc de la cible reste à passer",
        "en": "no declared recognition: according to the sources, every bloc of the target is left to pass",
    },
    "declared_nothing_given": {
        "fr": "aucun chemin déclaré ne donne de bloc de la cible (une succession n'accorde rien)",
        "en": "no declared path gives a bloc of the target (a succession grants nothing)",
    },
    "higher_level": {
        "fr": "la cible est de niveau {target}, les certifications de la personne au plus de niveau "
        "{source} : un bloc probablement couvert peut y demander davantage",
        "en": "the target is at level {target}, the person's certifications at most at level {source}: "
        "a probably covered bloc may ask for more there",
    },
    "reach_unpublished": {
        "fr": "{n} certification(s) retenue(s) par les filtres ne publient pas de blocs : non classées",
        "en": "{n} certification(s) kept by the filters publish no blocs: not ranked",
    },
    "reach_none": {
        "fr": "aucune certification aux blocs publiés n'a de bloc couvert ou probablement couvert",
        "en": "no certification with published blocs has a bloc covered or probably covered",
    },
}


def say(key: str, lang: str = "fr", **values: object) -> str:
    texts = MESSAGES[key]
    return texts.get(lang, texts["fr"]).format(**values)
