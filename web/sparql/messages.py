# ruff: noqa: E501 - one message per line, as in web/i18n.py
"""The SPARQL endpoint's and query pool's error messages (keys) and their English (added to
web.i18n.EN). The endpoint answers them in the language a request declares, French then English
when it declares none (web/sparql/__init__.py: _error)."""

from __future__ import annotations

from cqpi_graph.messages import msg

READ_ONLY = msg("ce point d'accès est en lecture seule.")
UPDATE_REFUSED = msg("SPARQL Update est refusé : {why}", why=READ_ONLY)
UPDATE_FORMS_REFUSED = msg(
    "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP…) est refusé : {why}", why=READ_ONLY
)
SERVICE_REFUSED = msg("SERVICE est refusé : ce point d'accès n'interroge pas d'autres serveurs.")
UNSUPPORTED_TYPE = msg(
    "type de contenu non pris en charge : application/sparql-query ou application/x-www-form-urlencoded attendu"
)
MISSING_QUERY = msg("paramètre query manquant")
TOO_MANY = "trop de résultats ({detail}) : la limite est de {limit} ; ajoutez LIMIT ou affinez la requête."
MISSING_AND_OFFERED = "{missing} ; la description du service est offerte en {formats}"

SPARQL_EN: dict[str, str] = {
    "ce point d'accès est en lecture seule.": "this endpoint is read-only.",
    "SPARQL Update est refusé : {why}": "SPARQL Update is refused: {why}",
    "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP…) est refusé : {why}": "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP…) is refused: {why}",
    "SERVICE est refusé : ce point d'accès n'interroge pas d'autres serveurs.": "SERVICE is refused: this endpoint does not query other servers (federated queries are disabled).",
    "type de contenu non pris en charge : application/sparql-query ou application/x-www-form-urlencoded attendu": "unsupported content type: application/sparql-query or application/x-www-form-urlencoded expected",
    "paramètre query manquant": "missing query parameter",
    "{missing} ; la description du service est offerte en {formats}": "{missing}; the service description is offered in {formats}",
    "requête trop volumineuse : au plus {cap} octets": "query too large: at most {cap} bytes",
    "la requête doit être encodée en UTF-8": "the query must be encoded in UTF-8",
    "un seul paramètre query est permis": "only one query parameter is allowed",
    "requête vide": "empty query",
    "erreur de syntaxe SPARQL : {detail}": "SPARQL syntax error: {detail}",
    "trop de résultats ({detail}) : la limite est de {limit} ; ajoutez LIMIT ou affinez la requête.": "too many results ({detail}): the limit is {limit}; add LIMIT or narrow the query.",
    "requête interrompue : {detail}": "query stopped: {detail}",
    "requête refusée : {detail}": "query refused: {detail}",
    "serveur occupé, réessayez.": "server busy, try again.",
    "erreur d'évaluation : {detail}": "evaluation error: {detail}",
    # the query pool's words for what stopped a query (web/sparql_pool.py)
    "plus de {cap} lignes": "more than {cap} rows",
    "plus de {cap} triplets": "more than {cap} triples",
    "délai de {seconds} s dépassé": "time limit of {seconds} s exceeded",
    "réponse de plus de {size} Mo": "response larger than {size} MB",
    "la requête a dépassé la mémoire permise ({size} Mo)": "the query went over its memory limit ({size} MB)",
    "le processus de requête s'est arrêté ({detail})": "the query process stopped ({detail})",
    "le processus de requête n'a pas démarré": "the query process did not start",
    "tous les processus de requête sont occupés": "every query process is busy",
    "message inattendu": "unexpected message",
}
