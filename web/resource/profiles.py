"""The registry profiles of a certification page: schema.org JSON-LD (embedded in the page and
served as a twin, `.schema.jsonld` or `?profile=schemaorg`) and ELM v3 / LOQ (`.elm.ttl`,
`.elm.jsonld` or `?profile=elm`) when the certification has ELM's mandatory data."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, current_app, jsonify
from markupsafe import Markup

from cqpi_graph.export.certs import GraphView, certification_groups, read_certification
from cqpi_graph.export.elm import check_mandatory, export_elm
from cqpi_graph.export.schemaorg import credential

from ..graph import store
from ..i18n import gettext as _

# `<`, `>` and `&` never appear raw inside the script element: a label holding `</script>` or
# `<!--` cannot end it or change how the HTML parser reads it. U+2028/2029 for old JS parsers.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_TABLE = str.maketrans(_SCRIPT_ESCAPES)

ELM_TYPES = {"turtle": "text/turtle", "jsonld": "application/ld+json"}


def script_json(obj: Any) -> Markup:
    """JSON safe to put between `<script type="application/ld+json">` and `</script>`."""
    return Markup(json.dumps(obj, ensure_ascii=False, indent=1).translate(_SCRIPT_TABLE))


def certification_profiles(iri: str) -> dict[str, Any] | None:
    """The schema.org object of the certification and what it lacks for ELM, or None when `iri`
    is not a certification the exports know (computed once per certification and generation)."""
    from ..memo import per_generation

    return per_generation("profiles", iri, lambda: _profiles(iri))


def _profiles(iri: str) -> dict[str, Any] | None:
    s = store()
    groups = certification_groups(s, [iri])
    if not groups:
        return None
    view = GraphView(s)
    rec = read_certification(view, groups[0])
    return {"schemaorg": credential(view, rec), "elm_missing": check_mandatory(view, rec)}


def page_profiles(iri: str) -> dict[str, Any] | None:
    """certification_profiles for an HTML page: a failure there never breaks the page."""
    try:
        return certification_profiles(iri)
    except Exception:  # noqa: BLE001 - the page shows without its JSON-LD, the log says why
        current_app.logger.exception("schema.org/ELM profile of %s", iri)
        return None


def _not_a_certification(iri: str, profile: str) -> Response:
    resp = jsonify(
        {
            "error": _("Ressource introuvable"),
            "iri": iri,
            "message": _("pas de profil {profile} : cette ressource n'est pas une certification").format(
                profile=profile
            ),
        }
    )
    resp.status_code = 404
    return resp


def schemaorg_response(iri: str) -> Response:
    prof = certification_profiles(iri)
    if prof is None:
        return _not_a_certification(iri, "schema.org")
    resp = Response(
        json.dumps(prof["schemaorg"], ensure_ascii=False, indent=1), mimetype="application/ld+json"
    )
    resp.vary.add("Accept")
    return resp


def elm_response(iri: str, fmt: str) -> Response:
    prof = certification_profiles(iri)
    if prof is None:
        return _not_a_certification(iri, "ELM")
    if prof["elm_missing"]:
        missing = prof["elm_missing"]
        resp = jsonify(
            {
                "error": _("Ressource introuvable"),
                "iri": iri,
                "missing": prof["elm_missing"],
                "message": _("champs obligatoires ELM/LOQ manquants :") + " " + ", ".join(missing),
            }
        )
        resp.status_code = 404
        return resp
    data, _report = export_elm(store(), fmt, iris=[iri])
    mime = ELM_TYPES[fmt]
    resp = Response(data, mimetype=mime)
    if mime.startswith("text/"):
        resp.headers["Content-Type"] = f"{mime}; charset=utf-8"
    resp.vary.add("Accept")
    return resp
