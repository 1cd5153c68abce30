"""cqpi gap (and the text of `cqpi reach --estimated`): what is left to learn, declared and estimated.

Exit codes: 0 an answer (also « inconnu »); 1 an unknown code (the message lists near matches);
2 bad usage.
"""

from __future__ import annotations

import json

import click

from ..catalog import Certification
from ..gap import (
    COVERED,
    MIN_SHARE,
    PROBABLY_COVERED,
    THRESHOLD,
    TO_ACQUIRE,
    UNKNOWN,
    BlocGap,
    EstimatedReach,
    GapResult,
    Plan,
    gap,
    plan,
    status_label,
)
from .options import format_option, lang_option, threshold_option

WORDS = {
    "fr": {
        "colon": " :",
        "person": "Certification(s) de la personne",
        "target": "Cible",
        "blocs": "bloc(s)",
        "declared": "Coût déclaré (reconnaissances déclarées, modèle de coût des chemins)",
        "estimated": "Coût estimé (calculé d'après les textes, jamais ajouté au coût déclaré)",
        "unknown_cost": "inconnu",
        "to_pass": "bloc(s) à passer",
        "nothing": "rien à passer, selon les énoncés déclarés cités",
        "est": "{a} bloc(s) à acquérir, {p} probablement couvert(s) à faire reconnaître : "
        "entre {a} et {h} à passer",
        "est_unknown": "inconnu ({a} à acquérir, {p} probablement couvert(s), {u} bloc(s) non estimables)",
        "list": "Blocs de la cible",
        "declared_by": "déclaré",
        "via": "via",
        "closest": "plus proche, sous le seuil",
        "texts": "texte(s) correspondant(s)",
        "method": "méthode",
        "model": "modèle",
        "threshold": "seuil",
        "share": "part minimale des textes d'un bloc",
        "note": "note",
        "path": "chemin déclaré depuis",
        "same": "la personne détient cette certification",
        "level": "niveau",
        "inactive": "inactive",
        "plan": "Plan de parcours",
        "held": "Acquis par reconnaissance déclarée",
        "recognise": "À faire reconnaître (VAE, validation partielle)",
        "acquire": "À acquérir (formation)",
        "cannot": "Inconnu (aucun texte à comparer)",
        "none": "aucun",
        "reach": "Certifications les plus proches d'être obtenues (estimation calculée d'après les textes)",
        "considered": "{n} certification(s) aux blocs publiés examinée(s)",
        "columns": "à acq.\tprob.\tcouv.\tblocs\tniveau\ttype\tcertification\tcoût déclaré",
    },
    "en": {
        "colon": ":",
        "person": "The person's certification(s)",
        "target": "Target",
        "blocs": "bloc(s)",
        "declared": "Declared cost (declared recognitions, the paths' cost model)",
        "estimated": "Estimated cost (computed from the texts, never added to the declared cost)",
        "unknown_cost": "unknown",
        "to_pass": "bloc(s) to pass",
        "nothing": "nothing to pass, according to the declared statements cited",
        "est": "{a} bloc(s) to acquire, {p} probably covered to have recognised: between {a} and {h} to pass",
        "est_unknown": "unknown ({a} to acquire, {p} probably covered, {u} bloc(s) that cannot be estimated)",
        "list": "Blocs of the target",
        "declared_by": "declared",
        "via": "via",
        "closest": "closest, below the threshold",
        "texts": "text(s) matched",
        "method": "method",
        "model": "model",
        "threshold": "threshold",
        "share": "minimal share of a bloc's texts",
        "note": "note",
        "path": "declared path from",
        "same": "the person holds this certification",
        "level": "level",
        "inactive": "inactive",
        "plan": "Learning plan",
        "held": "Held through a declared recognition",
        "recognise": "To have recognised (VAE, partial validation)",
        "acquire": "To acquire (training)",
        "cannot": "Unknown (no text to compare)",
        "none": "none",
        "reach": "Certifications closest to completion (an estimate computed from the texts)",
        "considered": "{n} certification(s) with published blocs looked at",
        "columns": "to acq.\tprob.\tcov.\tblocs\tlevel\tkind\tcertification\tdeclared cost",
    },
}


def _w(lang: str) -> dict[str, str]:
    return WORDS.get(lang, WORDS["fr"])


def _cert(c: Certification, lang: str) -> str:
    w = _w(lang)
    level = f" — {w['level']} {c.level}" if c.level else ""
    flag = f" ({w['inactive']})" if c.status.active is False else ""
    return f"{c.display()}{level}{flag}"


def declared_text(res: GapResult) -> str:
    w, d = _w(res.lang), res.declared
    if d.cost is None:
        return w["unknown_cost"]
    return w["nothing"] if d.cost == 0 else f"{d.cost} {w['to_pass']}"


def estimated_text(res: GapResult) -> str:
    w, e = _w(res.lang), res.estimated
    if e.known:
        return w["est"].format(a=e.to_acquire, p=e.probably_covered, h=e.high)
    if not e.published:
        return w["unknown_cost"]
    return w["est_unknown"].format(a=e.to_acquire, p=e.probably_covered, u=e.unknown)


def _bloc_lines(b: BlocGap, evidence: int, lang: str) -> list[str]:
    w = _w(lang)
    c = w["colon"]
    head = f"  [{status_label(b.status, lang)}] {b.bloc.display()}"
    if b.texts and b.status in (PROBABLY_COVERED, TO_ACQUIRE):
        head += f" — {b.matched}/{len(b.texts)} {w['texts']}"
    out = [head]
    for d in b.declared:
        if d.step is None:
            out.append(f"      · {w['same']} ({d.source.code})")
            continue
        st = d.step
        refs = " ; ".join(r.label or r.iri for r in (*st.sources, *st.legal_basis))
        where = refs or " ; ".join(o.display() for o in st.origins)
        out.append(
            f"      · {w['declared_by']}{c} {st.relation_label} ({st.relation}) — {w['path']} {d.source.code}"
        )
        if where:
            out.append(f"        source{c} {where}")
    for m in b.matches[:evidence]:
        via = f", {w['via']} « {m.via.text} »" if m.via and m.via_score > m.direct else ""
        kind = f", {m.kind}" if m.kind != "texte" else ""
        below = f", {w['closest']}" if not m.above_threshold else ""
        out.append(
            f"      · « {m.competence.text} » ~ « {m.source.text} » ({m.source_certification}, "
            f"{m.score:.2f}{via}{kind}{below})"
        )
    return out


def gap_lines(res: GapResult, evidence: int = 3) -> list[str]:
    w, lang = _w(res.lang), res.lang
    c = w["colon"]
    lines = [f"{w['person']}{c}"] + [f"  {_cert(s, lang)}" for s in res.sources]
    lines += [f"{w['target']}{c} {_cert(res.target, lang)} — {len(res.blocs)} {w['blocs']}", ""]
    lines.append(f"{w['declared']}{c} {declared_text(res)}")
    if res.declared.note:
        lines.append(f"  {res.declared.note}")
    for sp in res.declared.paths:
        steps = " → ".join(s.relation_label for s in sp.path.steps)
        lines.append(f"  {w['path']} {sp.source.code}{c} {steps}")
    lines += [f"{w['estimated']}{c} {estimated_text(res)}", ""]
    if res.blocs:
        lines.append(f"{w['list']}{c}")
        for b in res.blocs:
            lines += _bloc_lines(b, evidence, lang)
        lines.append("")
    lines += method_lines(res.method, lang)
    lines += [f"{w['note']}{c} {n}" for n in res.notes]
    return lines


def method_lines(m, lang: str) -> list[str]:  # noqa: ANN001 - gap.Method
    w = _w(lang)
    c = w["colon"]
    return [
        f"{w['method']}{c} {m.name} — {w['threshold']} {m.threshold}, {w['share']} {m.min_share:.0%}",
        f"  {m.description}",
        f"{w['model']}{c} {m.model}",
    ]


def plan_lines(p: Plan, evidence: int = 1) -> list[str]:
    g, lang = p.gap, p.gap.lang
    w = _w(lang)
    c = w["colon"]
    lines = [f"{w['plan']}", "", f"{w['person']}{c}"] + [f"  {_cert(s, lang)}" for s in g.sources]
    lines += [f"{w['target']}{c} {_cert(g.target, lang)} — {len(g.blocs)} {w['blocs']}", ""]
    sections = (
        (w["held"], p.held, ()),
        (w["recognise"], p.to_recognise, p.routes.advice(lang)),
        (w["acquire"], p.to_acquire, ()),
        (w["cannot"], p.unknown, ()),
    )
    for n, (title, blocs, advice) in enumerate(sections, 1):
        lines.append(f"{n}. {title} ({len(blocs)}){c}")
        lines += [f"   {a}" for a in advice]
        for b in blocs:
            lines += [" " + x for x in _bloc_lines(b, evidence, lang)]
        if not blocs:
            lines.append(f"   {w['none']}")
        lines.append("")
    lines += [f"{w['declared']}{c} {declared_text(g)}", f"{w['estimated']}{c} {estimated_text(g)}", ""]
    lines += method_lines(g.method, lang)
    lines += [f"{w['note']}{c} {n}" for n in g.notes]
    return lines


def reach_lines(res: EstimatedReach, evidence: int = 0) -> list[str]:
    lang = res.items[0].lang if res.items else "fr"
    w = _w(lang)
    c = w["colon"]
    lines = [f"{w['person']}{c}"] + [f"  {_cert(s, lang)}" for s in res.sources] + [""]
    lines += [f"{w['reach']} — {w['considered'].format(n=res.considered)}{c}", w["columns"]]
    for g in res.items:
        e, t = g.estimated, g.target
        covered = len(g.by_status(COVERED))
        lines.append(
            f"{e.to_acquire + e.unknown}\t{e.probably_covered}\t{covered}\t{len(g.blocs)}\t"
            f"{t.level or '?'}\t{t.kind or '?'}\t{t.display()}\t{declared_text(g)}"
        )
        for status in (TO_ACQUIRE, UNKNOWN):
            blocs = g.by_status(status)
            if blocs:
                lines.append(
                    f"    {status_label(status, lang)}{c} " + " ; ".join(b.bloc.display() for b in blocs)
                )
        if evidence:
            for b in g.by_status(PROBABLY_COVERED):
                lines += ["  " + x for x in _bloc_lines(b, evidence, lang)]
    lines.append("")
    lines += method_lines(res.method, lang)
    lines += [f"{w['note']}{c} {n}" for n in res.notes]
    return lines


@click.command("gap")
@click.argument("codes", nargs=-1, required=True, metavar="A... B")
@threshold_option(
    THRESHOLD,
    "Score minimal d'une correspondance de textes (choisi par l'étalonnage, benchmarks/RESULTS.md).",
)
@click.option(
    "--min-share",
    type=click.FloatRange(0, 1, min_open=True),
    default=MIN_SHARE,
    show_default=True,
    help="Part des textes d'un bloc qui doivent correspondre pour « probablement couvert ».",
)
@click.option("--evidence", type=click.IntRange(0), default=3, show_default=True, help="Preuves par bloc.")
@click.option("--plan", "as_plan", is_flag=True, help="Le plan de parcours de la personne (imprimable).")
@format_option("text", "json")
@lang_option()
@click.pass_obj
def gap_cmd(
    obj,
    codes: tuple[str, ...],
    threshold: float,
    min_share: float,
    evidence: int,
    as_plan: bool,
    fmt: str,
    lang: str,
) -> None:
    """Ce qui reste à apprendre ou à prouver pour obtenir B quand on détient A (une ou plusieurs
    certifications : « cqpi gap A1 A2 B » ou « cqpi gap A1,A2 B »).

    Chaque bloc de B : « couvert » (reconnaissance déclarée, avec sa source), « probablement
    couvert » (calculé : quelles compétences de A lui correspondent, avec leurs scores),
    « à acquérir » (aucune correspondance) ou « inconnu » (aucun texte). Le coût déclaré et le
    coût estimé sont donnés côte à côte, jamais additionnés ; méthode, modèle et seuil sur chaque
    réponse. Les blocs non publiés donnent « inconnu », jamais « rien à acquérir ».

    Exemple : cqpi gap RNCP35340 RNCP40792 ; cqpi gap RNCP14868 RNCP14689 --plan
    """
    if len(codes) < 2:
        raise click.UsageError("donnez au moins une certification de la personne (A) puis la cible (B)")
    *sources, target = codes
    with obj.open() as store:
        if as_plan:
            p = plan(store, sources, target, threshold=threshold, min_share=min_share, lang=lang)
            data, lines = p.to_dict, lambda: plan_lines(p, max(evidence, 1))
        else:
            res = gap(store, sources, target, threshold=threshold, min_share=min_share, lang=lang)
            data, lines = res.to_dict, lambda: gap_lines(res, evidence)
    if fmt == "json":
        click.echo(json.dumps(data(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(lines()).rstrip())


def register(group: click.Group) -> None:
    group.add_command(gap_cmd)
