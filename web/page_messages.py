# ruff: noqa: E501 - one message per line, as in web/i18n.py
"""English messages of the certification page, its neighbourhood, the socle page and the forms'
« code inconnu » (added to web.i18n.EN when missing there, as web/paths/messages.py does)."""

from __future__ import annotations

PAGES_EN: dict[str, str] = {
    "(la source ne précise pas le périmètre ou les blocs)": "(the source does not state the scope or the blocs)",
    "Aucune compétence commune parmi les compétences publiées.": "No competence in common among the published competences.",
    "Blocs, reconnaissances, versions, autres codes, métiers ROME et certifications les plus proches ; cliquez un nœud pour l'ouvrir.": "Blocs, recognitions, versions, other codes, ROME jobs and closest certifications; click a node to open it.",
    "Code inconnu": "Unknown code",
    "Inconnu : aucune de ces certifications n'a de compétences publiées dans le graphe.": "Unknown: none of these certifications has published competences in the graph.",
    "Indiquez au moins une certification de départ.": "Give at least one certification to start from.",
    "Le voisinage en liste": "The neighbourhood as a list",
    "Les certifications sans compétences publiées ne sont pas comptées.": "Certifications without published competences are not counted.",
    "Plusieurs certifications correspondent": "Several certifications match",
    "Reste à passer : inconnu": "Left to pass: unknown",
    "Rien à passer, selon les énoncés déclarés cités": "Nothing to pass, according to the declared statements cited",
    "Socle commun du CQPI : ses capacités sont communes aux branches qui l'ont adopté": "Shared core of the CQPI: its capacities are common to the branches that adopted it",
    "Voisinage": "Neighbourhood",
    "aucune compétence publiée : ni zéro ni recouvrement": "no published competence: neither zero nor overlap",
    "bloc de compétences": "skills block",
    "branche": "branch",
    "calculé d'après les textes": "computed from the texts",
    "certification": "certification",
    "certification(s) adoptée(s) par la branche": "certification(s) adopted by the branch",
    "compétences : inconnues (aucune publiée dans le graphe)": "competences: unknown (none published in the graph)",
    "compétences tenues par au moins": "competences held by at least",
    "compétences": "competences",
    "estimation calculée d'après les textes": "estimate computed from the texts",
    "historique (nouvelle version)": "history (new version)",
    "métier ROME": "ROME job",
    "même certification, autre code": "same certification, another code",
    "même compétence, ou équivalence déclarée": "same competence, or declared equivalence",
    "nouvelle version : historique, ne vaut pas reconnaissance": "new version: history, not a recognition",
    "reconnaissance déclarée (étape)": "declared recognition (a step)",
    "score": "score",
    "Graphe du voisinage": "Neighbourhood graph",
    "Légende": "Legend",
    "Le graphe n'a pas pu être chargé.": "The graph could not be loaded.",
    "identique": "same competence",
    "déclarée": "declared",
    "calculée": "computed",
}
