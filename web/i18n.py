# ruff: noqa: E501 - the translation table keeps each message on one line
"""French interface by default; English when the user asks for it: ?lang=en, remembered in a cookie.

The browser's Accept-Language does not switch the interface: the tool is French first, and an
English-speaking browser gets the French pages with the FR · EN toggle at the top.

Messages are written in French in the templates and the code: ``_("Rechercher")``; the English
table below translates them. A message missing from the table shows in French.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request
from markupsafe import Markup, escape

from cqpi_graph.errors import CqpiError
from cqpi_graph.messages import Message, Quoted, render

LANGS = ("fr", "en")
COOKIE = "lang"

EN: dict[str, str] = {
    "Accueil": "Home",
    "Rechercher": "Search",
    "Recherche": "Search",
    "Ressource": "Resource",
    "Parcours": "Paths",
    "Socles communs": "Shared competence cores",
    "Requêtes SPARQL": "SPARQL queries",
    "Validation": "Validation",
    "Téléchargements": "Downloads",
    "Le graphe des certifications professionnelles et de leurs équivalences": "The graph of French professional certifications and their equivalences",
    "Chercher une certification, un bloc, une branche, un code RNCP, RS, BCN, ROME ou IDCC": "Search a certification, bloc, branch, or an RNCP, RS, BCN, ROME or IDCC code",
    "Type": "Type",
    "Niveau": "Level",
    "Branche": "Branch",
    "Statut": "Status",
    "tous": "all",
    "toutes": "all",
    "active": "active",
    "inactive": "inactive",
    "Filtrer": "Filter",
    "résultat": "result",
    "résultats": "results",
    "Aucun résultat.": "No results.",
    "certifications": "certifications",
    "CQP (dont CQPM et CQPI)": "CQP (CQPM and CQPI included)",
    "blocs de compétences": "competence blocs",
    "branches": "branches",
    "reconnaissances": "recognitions",
    "métiers ROME": "ROME jobs",
    "Certifications par type": "Certifications by kind",
    "Certifications par niveau": "Certifications by level",
    "Certifications par statut": "Certifications by status",
    "Ressources": "Resources",
    "Type de certification": "Certification kind",
    "Certificateur": "Certifier",
    "Domaine NSF": "NSF domain",
    "Organisations": "Organisations",
    "Autres": "Other",
    "statut inconnu": "status unknown",
    "Lu comme le type": "Read as the kind",
    "Chercher plutôt ces mots dans les intitulés": "Search these words in titles instead",
    "Affiner": "Refine",
    "autres": "more",
    "page": "page",
    "Pages": "Pages",
    "précédente": "previous",
    "suivante": "next",
    "Certifications": "Certifications",
    "CQPI": "CQPI",
    "Branches professionnelles": "Professional branches",
    "Quelques chiffres": "A few figures",
    "triplets": "triples",
    "Graphes nommés": "Named graphs",
    "Types": "Types",
    "Codes": "Codes",
    "Certificateurs": "Awarding bodies",
    "Branches": "Branches",
    "Blocs de compétences": "Competence blocs",
    "Compétences": "Competences",
    "Référentiel": "Framework",
    "Activités": "Activities",
    "Capacités": "Capacities",
    "Résultats attendus": "Expected results",
    "Conditions de réalisation": "Conditions",
    "Reconnaissances": "Recognitions",
    "Reconnaissances reçues (vers cette certification)": "Recognitions received (towards this certification)",
    "Reconnaissances accordées (depuis cette certification)": "Recognitions granted (from this certification)",
    "Succession": "Succession",
    "Remplace": "Replaces",
    "Remplacée par": "Replaced by",
    "Proximité de contenu": "Content proximity",
    "La proximité de contenu n'est pas une équivalence juridique.": "Content proximity is not a legal equivalence.",
    "Compétences partagées avec d'autres certifications": "Competences shared with other certifications",
    "Métiers ROME": "ROME jobs",
    "Calculé d'après les textes des blocs": "Computed from the texts of the blocs",
    "Suggestions calculées, distinctes des liens déclarés par les registres ci-dessus.": "Computed suggestions, apart from the links the registries declare above.",
    "Métiers ROME calculés": "Computed ROME jobs",
    "Certifications les plus proches": "Closest certifications",
    "Calculé d'après les compétences et les textes du ROME": "Computed from the ROME's competences and texts",
    "Métiers proches": "Close jobs",
    "Certifications les plus proches, parmi celles qui ne déclarent pas ce métier": (
        "Closest certifications, among those that do not declare this job"
    ),
    "en commun :": "in common:",
    "appellation proche :": "closest job title:",
    "domaines de formation communs (NSF) :": "shared training fields (NSF):",
    "certifications de": "certifications of",
    "calculé": "computed",
    "similarité": "similarity",
    "Toutes les déclarations et leur provenance": "Every statement and its provenance",
    "Déclarations entrantes": "Incoming statements",
    "propriété": "property",
    "valeur": "value",
    "graphe": "graph",
    "Provenance des graphes": "Provenance of the graphs",
    "Autres formats": "Other formats",
    "Ressource introuvable": "Resource not found",
    "Aucune ressource ne porte cet identifiant.": "No resource has this identifier.",
    "Vouliez-vous dire :": "Did you mean:",
    "de": "from",
    "vers": "to",
    "blocs accordés": "granted blocs",
    "reste à passer": "left to pass",
    "base juridique": "legal basis",
    "source": "source",
    "sens": "direction",
    "Explorateur de parcours": "Path explorer",
    "Depuis": "From",
    "Vers": "To",
    "Chercher": "Find",
    "Atteignables depuis": "Reachable from",
    "Chemin": "Path",
    "Alternatives": "Alternatives",
    "Aucun chemin trouvé.": "No path found.",
    "Ce module n'est pas encore disponible dans cette installation.": "This module is not available in this installation yet.",
    "Explorateur de socles": "Socket explorer",
    "Certifications à comparer": "Certifications to compare",
    "ou une branche": "or a branch",
    "Inclure les alignements calculés": "Include computed alignments",
    "Comparer": "Compare",
    "Compétences communes": "Shared competences",
    "Recouvrement deux à deux": "Pairwise overlap",
    "Éditeur SPARQL": "SPARQL editor",
    "Exemples de requêtes": "Example queries",
    "Point d'accès": "Endpoint",
    "Valider un référentiel": "Validate a framework",
    "Fichier (Turtle, RDF/XML, JSON-LD, N-Triples ou tableur .xlsx)": "File (Turtle, RDF/XML, JSON-LD, N-Triples or .xlsx spreadsheet)",
    "Valider": "Validate",
    "Télécharger le modèle vide": "Download the empty template",
    "Rapport": "Report",
    "conforme": "conforms",
    "non conforme": "does not conform",
    "Télécharger le rapport": "Download the report",
    "Fichier trop volumineux": "File too large",
    "Type de fichier refusé": "File type refused",
    "Aucun fichier n'a été envoyé.": "No file was sent.",
    "Fichier refusé": "File refused",
    "« {name} » : Turtle (.ttl), N-Triples (.nt), JSON-LD (.jsonld), RDF/XML (.rdf, .xml) ou tableur (.xlsx, .csv) attendu": "« {name} »: Turtle (.ttl), N-Triples (.nt), JSON-LD (.jsonld), RDF/XML (.rdf, .xml) or a spreadsheet (.xlsx, .csv) expected",
    "ce fichier .xlsx n'est pas un classeur Excel (zip)": "this .xlsx file is not an Excel workbook (zip)",
    "fichier binaire : un fichier texte {ext} est attendu": "binary file: a {ext} text file is expected",
    "le fichier n'est pas en UTF-8 (octet {offset})": "the file is not UTF-8 (byte {offset})",
    "« {name} » : formes SHACL en RDF attendues": "« {name} »: SHACL shapes in RDF expected",
    "au plus {size} Mo": "at most {size} MB",
    "Rien n'est conservé sur le serveur.": "Nothing is kept on the server.",
    "Formes SHACL à ajouter (facultatif : le profil de votre branche, en Turtle ou autre RDF)": (
        "SHACL shapes to add (optional: your branch's profile, in Turtle or other RDF)"
    ),
    "Vérifier aussi avec le graphe : certifications citées, codes ROME, NSF, Formacode, IDCC et RNCP": (
        "Also check against the graph: cited certifications, ROME, NSF, Formacode, IDCC and RNCP codes"
    ),
    "Aucun fichier à télécharger pour l'instant.": "No file to download yet.",
    "fichier": "file",
    "format": "format",
    "taille": "size",
    "date": "date",
    "Vérifier un fichier téléchargé": "Check a downloaded file",
    "Description DCAT / VoID du jeu de données": "DCAT / VoID description of the dataset",
    "Données ouvertes": "Open data",
    "Dumps complets et exports (ELM, schema.org, RNCP XML)": "Full dumps and exports (ELM, schema.org, RNCP XML)",
    "Point d'accès SPARQL": "SPARQL endpoint",
    "champs obligatoires manquants": "missing mandatory fields",
    "dump complet du graphe": "full dump of the graph",
    "ELM : certifications exclues et champs manquants": "ELM: excluded certifications and missing fields",
    "flux RNCP XML v4.1": "RNCP XML flow v4.1",
    "description DCAT / VoID": "DCAT / VoID description",
    "sommes de contrôle SHA-256": "SHA-256 checksums",
    "Erreur": "Error",
    "Page introuvable": "Page not found",
    "Erreur interne du serveur": "Internal server error",
    "Service momentanément indisponible": "Service temporarily unavailable",
    "Requête trop volumineuse": "Request too large",
    "Méthode non autorisée": "Method not allowed",
    "Le graphe n'est pas encore construit : lancez `cqpi build`.": "The graph is not built yet: run `cqpi build`.",
    "Description lisible par machine": "Machine-readable description",
    "Exécuter": "Run",
    "partage": "shares",
    "compétence(s)": "competence(s)",
    "oui": "yes",
    "non": "no",
    "Modalités d'évaluation": "Assessment methods",
    "Niveaux": "Levels",
    "Graphe": "Graph",
    "Description du graphe": "Graph description",
    "Étape": "Step",
    "reste à passer :": "left to pass:",
    "rien": "nothing",
    "Autres certifications de la branche": "Other certifications of the branch",
    "Certifications liées": "Related certifications",
    "Premier niveau d'ouvrier qualifié": "First level of skilled worker",
    "Constructeur": "Query builder",
    "Chiffres": "Figures",
    "Constructeur de requêtes": "Query builder",
    "Choisissez ce que vous cherchez, puis ses liens : la requête SPARQL s'écrit à mesure et s'exécute sur le point d'accès.": "Choose what you are looking for, then its links: the SPARQL query is written as you go and runs on the endpoint.",
    "Ouvrir dans l'éditeur SPARQL": "Open in the SPARQL editor",
    "Vocabulaire : classes et propriétés": "Vocabulary: classes and properties",
    "Configuration du constructeur (SHACL)": "Builder configuration (SHACL)",
    "Lien de partage": "Share link",
    "Requête SPARQL et résultats": "SPARQL query and results",
    "Le constructeur de requêtes n'est pas installé : lancez `npm ci --prefix web`.": "The query builder is not installed: run `npm ci --prefix web`.",
    "Constructeur de requêtes (sans écrire de SPARQL)": "Query builder (no SPARQL to write)",
    "Vocabulaire": "Vocabulary",
    "Les classes et propriétés du graphe, dans l'espace de noms": "The classes and properties of the graph, in the namespace",
    "Classes": "Classes",
    "Propriétés": "Properties",
    "sous-classe de": "subclass of",
    "sous-propriété de": "subproperty of",
    "s'applique à": "applies to",
    "valeurs": "values",
    "Ses instances dans l'éditeur SPARQL": "Its instances in the SPARQL editor",
    "Chaque graphique donne ses données (tableau, CSV) et la requête SPARQL qui les produit.": "Each chart gives its data (table, CSV) and the SPARQL query that produces it.",
    "Données": "Data",
    "libellé": "label",
    "Aucune donnée dans ce graphe.": "No data in this graph.",
    "La requête SPARQL dans l'éditeur": "The SPARQL query in the editor",
    "préfixes prédéclarés": "predeclared prefixes",
    "Branches (partenaires)": "Branches (partners)",
    "alignement": "alignment",
    "Mo": "MB",
    "pas de profil {profile} : cette ressource n'est pas une certification": "no {profile} profile: this resource is not a certification",
    "champs obligatoires ELM/LOQ manquants :": "mandatory ELM/LOQ fields missing:",
    "« {query} » désigne plusieurs certifications": "« {query} » names several certifications",
    "aucune certification d'IRI <{query}>": "no certification has the IRI <{query}>",
    "aucune certification de code ou d'intitulé « {query} »": "no certification has the code or title « {query} »",
    "Cette adresse ne correspond à aucune page : vérifiez-la, ou cherchez depuis l'accueil.": "This address matches no page: check it, or search from the home page.",
    "Cette adresse n'accepte pas cette méthode.": "This address does not accept this method.",
    "Le contenu envoyé dépasse la taille permise.": "The content sent is larger than allowed.",
    "Le service est momentanément indisponible ; réessayez dans un instant.": "The service is briefly unavailable; try again shortly.",
    "vide : tout ce qui est accessible": "empty: everything reachable",
    "protocole SPARQL 1.1": "SPARQL 1.1 Protocol",
    "Français": "Français",
    "English": "English",
    "Onglets de requêtes": "Query tabs",
    "Nouvel onglet": "New tab",
    "Fermer l'onglet": "Close tab",
    "Nom de l'onglet": "Tab name",
    "Éditeur de requête SPARQL": "SPARQL query editor",
    "Montrer le nom des colonnes": "Show column names",
    "Classes à choisir": "Classes to choose from",
    "Suggestions": "Suggestions",
    "Exécuter la requête": "Run query",
    "Partager la requête": "Share query",
    "Télécharger le résultat": "Download result",
    "Télécharger les résultats": "Download Results",
    "Documentation du tableau": "View documentation of Table",
    "Filtrer les résultats": "Filter query results",
    "Vue simple": "Simple view",
    "Lignes par page :": "Page size:",
    "{n} résultat(s) en {seconds} s": "{n} result(s) in {seconds} s",
    "Documentation de la réponse": "View documentation of Response",
    "Effacer le point d'accès": "Clear endpoint",
    "Ouvrir les réglages": "Open settings",
    "Réglages": "Settings",
    "Afficher la réponse": "Shows Response view",
    "Afficher le tableau": "Shows Table view",
    "Réponse": "Response",
    "Tableau": "Table",
    "Méthode de la requête": "Request method",
    "En-têtes Accept": "Accept Headers",
    "Paramètres": "Arguments",
    "Paramètres d'en-tête": "Header Arguments",
    "Graphes interrogés par défaut": "Default Graphs",
    "Graphes nommés interrogés": "Named Graphs",
    "Requête": "Query",
    "Lignes _START_ à _END_ sur _TOTAL_": "Rows _START_ to _END_ of _TOTAL_",
    "Aucune ligne": "No rows",
    "(filtrées parmi _MAX_)": "(filtered from _MAX_)",
    "_MENU_ lignes par page": "_MENU_ rows per page",
    "Filtrer :": "Filter:",
    "Aucune ligne ne correspond": "No matching rows",
    "Aucun résultat": "No results",
    "Chargement…": "Loading…",
    "Première page": "First page",
    "Page précédente": "Previous page",
    "Page suivante": "Next page",
    "Dernière page": "Last page",
}

# Names the editor widgets lack (YASGUI, CodeMirror, Sparnatural); web/static/js/widgets-a11y.js
# applies them.
WIDGET_LABELS = {
    "tabs": "Onglets de requêtes",
    "addTab": "Nouvel onglet",
    "closeTab": "Fermer l'onglet",
    "tabName": "Nom de l'onglet",
    "endpoint": "Point d'accès SPARQL",
    "editor": "Éditeur de requête SPARQL",
    "columns": "Montrer le nom des colonnes",
    "classes": "Classes à choisir",
}


# What the page's own scripts (web/static/js/*.js) write into the page or read aloud: no script
# holds a word of either language; each page carries these in its language (#ui-messages).
SCRIPT_MESSAGES = {
    "suggestions": "Suggestions",
    "graphFailed": "Le graphe n'a pas pu être chargé.",
    "resultsIn": "{n} résultat(s) en {seconds} s",
}


# YASGUI's own interface words (a library that writes English): French keys, and as English the
# very text YASGUI writes, which web/static/js/widgets-a11y.js looks for and puts in the page's
# language (a no-op on English pages).
YASGUI_WORDS = (
    "Exécuter la requête",
    "Partager la requête",
    "Télécharger le résultat",
    "Télécharger les résultats",
    "Documentation du tableau",
    "Filtrer les résultats",
    "Vue simple",
    "Lignes par page :",
    "Documentation de la réponse",
    "Effacer le point d'accès",
    "Ouvrir les réglages",
    "Réglages",
    "Afficher la réponse",
    "Afficher le tableau",
    "Réponse",
    "Tableau",
    "Méthode de la requête",
    "En-têtes Accept",
    "Paramètres",
    "Paramètres d'en-tête",
    "Graphes interrogés par défaut",
    "Graphes nommés interrogés",
    "Requête",
    "Erreur",
)
# The results table (DataTables, inside YASGUI): its language option, in the page's language.
TABLE_WORDS = {
    "info": "Lignes _START_ à _END_ sur _TOTAL_",
    "infoEmpty": "Aucune ligne",
    "infoFiltered": "(filtrées parmi _MAX_)",
    "lengthMenu": "_MENU_ lignes par page",
    "search": "Filtrer :",
    "zeroRecords": "Aucune ligne ne correspond",
    "emptyTable": "Aucun résultat",
    "loadingRecords": "Chargement…",
}
TABLE_PAGES = {
    "first": "Première page",
    "previous": "Page précédente",
    "next": "Page suivante",
    "last": "Dernière page",
}


def yasgui_words() -> dict[str, str]:
    """YASGUI's English text → the page's language."""
    return {EN[fr]: gettext(fr) for fr in YASGUI_WORDS}


def table_words() -> dict:
    words: dict = {key: gettext(text) for key, text in TABLE_WORDS.items()}
    words["aria"] = {"paginate": {key: gettext(text) for key, text in TABLE_PAGES.items()}}
    return words


def widget_labels() -> dict[str, str]:
    """The editor widgets' accessible names in the page's language."""
    return {key: gettext(text) for key, text in WIDGET_LABELS.items()}


def ui_messages() -> dict:
    """The page's language and the texts its scripts use, from this catalog (base.html renders
    them as JSON in #ui-messages)."""
    return {
        "lang": page_lang(),
        "widgets": widget_labels(),
        "yasgui": yasgui_words(),
        "table": table_words(),
        "text": {key: gettext(text) for key, text in SCRIPT_MESSAGES.items()},
    }


def pick_lang() -> str:
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGS:
        return cookie
    return "fr"


def gettext(message: str) -> str:
    if getattr(g, "lang", "fr") == "en":
        return EN.get(message, message)
    return message


def page_lang() -> str:
    return getattr(g, "lang", "fr") if has_request_context() else "fr"


def error_text(exc: BaseException) -> str:
    """A library error in the page's language (its message key and parameters; French otherwise)."""
    if isinstance(exc, CqpiError):
        return exc.render(page_lang())
    return str(exc)


def error_html(exc: BaseException) -> Markup:
    """A library error in the page's language, for a page: what the library quotes without having
    written it (a parser's diagnostic) is marked with its own language (WCAG 3.1.2)."""
    return to_html(exc.as_message() if isinstance(exc, CqpiError) else str(exc), page_lang())


def to_html(value: object, lang: str) -> Markup:
    if isinstance(value, Message):
        parts = {name: to_html(v, lang) for name, v in value.params}
        return escape(value.template(lang, EN)).format(**parts)
    if isinstance(value, Quoted):
        return Markup('<span lang="{}">{}</span>').format(value.lang or "", value.text)
    return escape(render(value, lang))


def tr(value: object, lang: str | None = None) -> str:
    """A `Message` (the library's or the web view's, e.g. built outside a request) or plain text,
    in ``lang`` (the page's by default)."""
    return render(value, lang or page_lang(), EN)


def init_app(app: Flask) -> None:
    @app.before_request
    def _set_lang() -> None:
        g.lang = pick_lang()

    @app.after_request
    def _remember(resp):  # noqa: ANN001, ANN202
        asked = request.args.get("lang")
        if asked in LANGS:
            resp.set_cookie(COOKIE, asked, max_age=365 * 86400, samesite="Lax", httponly=True)
        resp.vary.add("Cookie")
        return resp

    app.jinja_env.globals["_"] = gettext
    app.jinja_env.globals["LANGS"] = LANGS
    app.jinja_env.globals["widget_labels"] = widget_labels
    app.jinja_env.globals["ui_messages"] = ui_messages

    @app.context_processor
    def _inject() -> dict:
        return {"lang": getattr(g, "lang", "fr")}
