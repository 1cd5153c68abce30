"""cqpi path, reach, socle, similar, cqpi-candidates, align.

Exit codes: 0 an answer; 1 an unknown code (the message lists near matches) or another error of
the graph; 2 bad usage or input; 3 `cqpi path` found no path (the answer says so).
"""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from ..align import DEFAULT_THRESHOLD, run_align
from ..catalog import Certification
from ..cells import neutralise_row
from ..gap import THRESHOLD as GAP_THRESHOLD
from ..gap import reach_estimated
from ..paths import SUCCESSION, Path, PathResult, Step, find_paths, reach
from ..query import compact
from ..socle import cqpi_candidates, similar, socle
from ..textsim.api import TextSimilar, certifier_overlaps, similar_from_text
from ..textsim.jobs import JobLink
from ..textsim.pairs import one_to_one
from .gap import reach_lines
from .options import format_option, lang_option, threshold_option

EXIT_NO_PATH = 3


def _dump(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _refs(refs) -> str:  # noqa: ANN001
    return " ; ".join(f"{r.label} <{r.iri}>" if r.label else f"<{r.iri}>" for r in refs)


def _blocs(blocs) -> str:  # noqa: ANN001
    return ", ".join(b.display() for b in blocs)


def _step_lines(i: int, st: Step) -> list[str]:
    out = [f"  {i}. {st.source.display()}", f"     → {st.target.display()}"]
    if st.kind == SUCCESSION:
        out.append("     relation : nouvelle version (succession) — historique, ne vaut pas reconnaissance")
    else:
        how = f"{st.relation_label} ({st.relation})"
        out.append(f"     relation : {how}" + (f" — {st.derivation}" if st.derivation else ""))
        out.append(f"     base juridique : {_refs(st.legal_basis) or 'non précisée'}")
    if st.sources:
        out.append(f"     source : {_refs(st.sources)}")
    for o in st.origins:
        out.append(f"     source : {o.display()}")
    if not st.sources and not st.origins:
        out.append("     source : le graphe ne dit pas d'où vient ce lien")
    if st.statements:
        out.append(f"     énoncé : {', '.join(compact(s) for s in st.statements)}")
    if st.completed or not st.completion_known:
        rest = _blocs(st.completed) or "blocs non publiés"
        out.append(f"     à passer d'abord (l'énoncé vaut pour qui détient toute l'origine) : {rest}")
    if st.whole:
        out.append("     accordé : toute la certification visée")
    elif st.granted:
        out.append(f"     blocs accordés : {_blocs(st.granted)}")
    elif st.kind == SUCCESSION:
        out.append("     blocs accordés : aucun (aucune correspondance de blocs déclarée entre les versions)")
    for n in st.notes:
        out.append(f"     note : {n}")
    return out


def cost_text(p: Path) -> str:
    """What is left to pass, in words."""
    if p.cost is None:
        return "reste à passer : inconnu (la source ne précise pas le périmètre ou les blocs)"
    if p.cost == 0:
        return "reste à passer : rien, selon les énoncés déclarés cités"
    return f"reste à passer : {p.cost} bloc(s) ou module(s)"


def _path_lines(n: int, p: Path, best: bool) -> list[str]:
    head = "Meilleur chemin" if best else f"Variante {n}"
    out = [f"{head} : {len(p.steps)} étape(s), {cost_text(p)}"]
    for i, st in enumerate(p.steps, 1):
        out += _step_lines(i, st)
    if p.remaining:
        out.append(f"  reste à passer pour obtenir la cible : {_blocs(p.remaining)}")
    for f in p.flags:
        out.append(f"  attention : {f}")
    return out


def _proximity_lines(prox) -> list[str]:  # noqa: ANN001
    if not prox:
        return []
    out = ["Proximité de contenu (cq:closeTo — n'est pas une reconnaissance, jamais comptée) :"]
    for p in prox:
        src = f" — source : {_refs(p.sources)}" if p.sources else ""
        out.append(f"  {p.a.display()} ~ {p.b.display()}{src}")
    return out


def _link_lines(res: PathResult) -> list[str]:
    if not res.identifier_links:
        return []
    out = ["Correspondances d'identifiants (table de passage — ni reconnaissance ni étape) :"]
    for c in res.identifier_links:
        where = f" — {c.origins[0].display()}" if c.origins else ""
        out.append(f"  {c.source.display()} ↔ {c.target.display()} : {c.note}{where}")
    return out


@click.command("path")
@click.argument("a")
@click.argument("b")
@click.option(
    "--alternatives",
    "-k",
    type=click.IntRange(0, 50),
    default=2,
    show_default=True,
    help="Nombre de chemins de rechange après le meilleur.",
)
@format_option("text", "json")
@lang_option()
@click.pass_obj
def path_cmd(obj, a: str, b: str, alternatives: int, fmt: str, lang: str) -> None:
    """Chemin de reconnaissances de la certification A vers B, et ce qui reste à passer.

    A et B : code RNCP/RS (RNCP36429), code BCN (50022003), sigle (CEI) ou IRI. Pour un CQPI,
    B peut être une branche (IDCC, identifiant ou libellé) : le CQP de cette branche.
    Une succession (nouvelle version) n'est jamais une reconnaissance ; le coût est ce qui reste
    à passer, « inconnu » quand les sources ne le disent pas.
    Codes de sortie : 0 chemin trouvé, 1 code inconnu, 3 aucun chemin.

    Exemple : cqpi path RNCP1197 RNCP30271
    """
    with obj.open() as store:
        res: PathResult = find_paths(store, a, b, alternatives=alternatives, lang=lang)
    if fmt == "json":
        _dump(res.to_dict())
    else:
        lines = [f"De : {res.origin.display()}", f"Vers : {res.target.display()}", ""]
        if res.same_certification:
            lines.append("Même certification (les codes désignent une seule certification).")
        elif not res.paths:
            lines.append("Aucun chemin de reconnaissance de A vers B dans le graphe.")
        lines += [f"Note : {n}" for n in res.notes]
        for n, p in enumerate(res.paths):
            lines += _path_lines(n, p, n == 0) + [""]
        for block in (_link_lines(res), _proximity_lines(res.proximity)):
            if block:
                lines += [""] + block
        click.echo("\n".join(lines).rstrip())
    if not res.found:
        sys.exit(EXIT_NO_PATH)


@click.command("reach")
@click.argument("codes", nargs=-1, required=True, metavar="A...")
@click.option(
    "--max-cost", type=click.IntRange(0), help="Seulement ce qui laisse au plus N blocs connus à passer."
)
@click.option("--limit", type=click.IntRange(1), help="Au plus N certifications.")
@click.option(
    "--estimated",
    is_flag=True,
    help="Les certifications les plus proches d'être obtenues d'après les compétences (calculé).",
)
@click.option("--top", type=click.IntRange(1), default=10, show_default=True, help="Avec --estimated.")
@click.option("--level", "levels", type=click.IntRange(1, 8), multiple=True, help="Niveau (répétable).")
@click.option("--kind", "kinds", multiple=True, help="Type de certification (CAP, BTS…), répétable.")
@click.option(
    "--status",
    type=click.Choice(["active", "obtainable", "any"]),
    default="obtainable",
    show_default=True,
    help="active : déclarées actives ; obtainable : sauf celles déclarées inactives ; any : toutes.",
)
@click.option("--branch", help="Certifications d'une branche (IDCC, identifiant ou libellé).")
@click.option("--rome", help="Certifications qui déclarent ce métier ROME (code ou IRI).")
@threshold_option(
    GAP_THRESHOLD, "Avec --estimated : score minimal d'une correspondance de textes (voir cqpi gap)."
)
@click.option("--evidence", type=click.IntRange(0), default=0, show_default=True, help="Preuves par bloc.")
@format_option("text", "json")
@lang_option()
@click.pass_obj
def reach_cmd(
    obj,
    codes: tuple[str, ...],
    max_cost: int | None,
    limit: int | None,
    estimated: bool,
    fmt: str,
    lang: str,
    **estimate: object,
) -> None:
    """Toutes les certifications accessibles depuis A, classées par ce qui reste à passer
    (coût inconnu en dernier).

    Avec --estimated (A : une ou plusieurs certifications d'une personne) : les --top
    certifications avec le moins de blocs à acquérir d'après les compétences, chacune avec son
    écart (voir cqpi gap) ; filtres --level, --kind, --status, --branch, --rome.

    Exemple : cqpi reach 50022003 ; cqpi reach RNCP14868 --estimated --top 10 --level 4
    """
    if estimated:
        _reach_estimated(obj, codes, fmt, lang, **estimate)
        return
    if len(codes) > 1:
        raise click.UsageError("plusieurs certifications : seulement avec --estimated")
    with obj.open() as store:
        res = reach(store, codes[0], max_cost=max_cost, limit=limit, lang=lang)
    if fmt == "json":
        _dump(res.to_dict())
        return
    lines = [f"Depuis : {res.origin.display()}", ""]
    if not res.items:
        lines.append("Aucune certification accessible par une reconnaissance ou une nouvelle version.")
    else:
        lines.append("reste\tétapes\tcertification\tpar")
    for r in res.items:
        via = " → ".join("nouvelle version" if s.kind == SUCCESSION else s.relation for s in r.path.steps)
        cost = "inconnu" if r.path.cost is None else str(r.path.cost)
        lines.append(f"{cost}\t{len(r.path.steps)}\t{r.node.display()}\t{via}")
    prox = _proximity_lines(res.proximity)
    click.echo("\n".join(lines + ([""] + prox if prox else [])))


def _reach_estimated(obj, codes: tuple[str, ...], fmt: str, lang: str, **o) -> None:  # noqa: ANN001, ANN003
    with obj.open() as store:
        res = reach_estimated(
            store,
            list(codes),
            top=o["top"],
            levels=o["levels"],
            kinds=o["kinds"],
            status=o["status"],
            branch=o["branch"],
            rome=o["rome"],
            threshold=o["threshold"],
            lang=lang,
        )
    if fmt == "json":
        _dump(res.to_dict())
    else:
        click.echo("\n".join(reach_lines(res, o["evidence"])).rstrip())


def _name(nodes: list[Certification], iri: str) -> str:
    for n in nodes:
        if n.iri == iri:
            return n.code
    return iri


@click.command("socle")
@click.argument("items", nargs=-1)
@click.option(
    "--min-share", type=click.IntRange(1), help="Compétences partagées par au moins K (défaut : toutes)."
)
@click.option("--branch", help="Les certifications d'une branche (IDCC, identifiant ou libellé).")
@click.option(
    "--computed/--declared-only",
    default=False,
    show_default=True,
    help="Inclure les alignements calculés (cqpi align) au-dessus du seuil.",
)
@threshold_option(DEFAULT_THRESHOLD, "Score minimal d'un alignement calculé.")
@format_option("text", "json", "csv")
@click.pass_obj
def socle_cmd(
    obj,
    items: tuple[str, ...],
    min_share: int | None,
    branch: str | None,
    computed: bool,
    threshold: float,
    fmt: str,
) -> None:
    """Socle commun : les compétences que partagent les certifications données.

    Compétences identiques (même ressource), déclarées équivalentes (skos:exactMatch, même
    compétence ROME) ou, avec --computed, alignées par calcul (toujours signalé « calculée »).

    Exemple : cqpi socle RNCP4049 RNCP30271 ; cqpi socle --branch 3117
    """
    with obj.open() as store:
        res = socle(
            store, list(items), min_share=min_share, branch=branch, computed=computed, threshold=threshold
        )
    if fmt == "json":
        _dump(res.to_dict())
        return
    codes = [n.code for n in res.nodes]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(neutralise_row(["competence", "code", "label", "share", "basis", *codes]))
        for s in res.shared:
            w.writerow(
                neutralise_row(
                    [
                        s.key,
                        s.code,
                        s.label,
                        s.share,
                        s.basis,
                        *["|".join(c.iri for c in s.holders.get(n.iri, [])) for n in res.nodes],
                    ]
                )
            )
        sys.stdout.write(buf.getvalue())
        return
    lines = ["Certifications :"]
    for n in res.nodes:
        br = ", ".join(res.branches.get(n.iri, []))
        br = f" — branche(s) : {br}" if br else ""
        lines.append(f"  {n.display()} — {res.sizes[n.iri]} compétence(s){br}")
    mode = f"avec alignements calculés (seuil {res.threshold})" if res.computed else "déclarées seulement"
    lines += [
        "",
        f"Compétences partagées par au moins {res.min_share} sur {len(res.nodes)} ({mode}) : "
        f"{len(res.shared)}",
    ]
    for s in res.shared:
        code = f" [{s.code}]" if s.code else ""
        lines.append(f"  - {s.label}{code} — {s.share}/{len(res.nodes)} — {s.basis}")
        for node, comps in s.holders.items():
            for c in comps:
                via = f" (via {compact(c.via)})" if c.via else ""
                if c.iri != s.key or len(res.nodes) > 1:
                    lines.append(f"      {_name(res.nodes, node)} : {c.label or compact(c.iri)}{via}")
        for al in s.alignments:
            lines.append(f"      alignement calculé : score {al.score:.2f} ({al.method})")
    if res.pairs:
        lines += ["", "Recouvrement par paire : partagées / union (Jaccard)"]
        for p in res.pairs:
            lines.append(
                f"  {_name(res.nodes, p.a)} × {_name(res.nodes, p.b)} : {p.shared} / {p.union} "
                f"({p.jaccard:.2f})"
            )
    for note in res.notes:
        lines.append(f"note : {note}")
    click.echo("\n".join(lines))


@click.command("similar")
@click.argument("x")
@click.option("--top", "-n", type=click.IntRange(1), default=10, show_default=True)
@click.option("--kind", type=click.Choice(["all", "certification", "rome"]), default="all", show_default=True)
@click.option(
    "--computed/--declared-only",
    default=True,
    show_default=True,
    help="Ajouter ce que le modèle de texte calcule (métiers, certifications proches) à ce qui est "
    "déclaré ; --declared-only : compétences déclarées partagées seulement.",
)
@threshold_option(
    DEFAULT_THRESHOLD, "--declared-only --computed d'autrefois : score minimal d'un alignement.", hidden=True
)
@click.option(
    "--evidence",
    type=click.IntRange(0),
    default=3,
    show_default=True,
    help="Preuves montrées par résultat (paires bloc ~ compétence, certifications proches).",
)
@format_option("text", "json")
@click.pass_obj
def similar_cmd(
    obj, x: str, top: int, kind: str, computed: bool, threshold: float, evidence: int, fmt: str
) -> None:
    """Métiers ROME et certifications proches de X (certification ou métier ROME).

    Pour une certification : les métiers que sa fiche déclare (« déclaré »), puis ceux que le
    modèle de texte calcule d'après son titre et ses blocs (« calculé », avec les blocs qui
    correspondent à des compétences du métier), et les certifications aux textes les plus proches.
    Pour un métier ROME : les métiers proches (items ROME, texte, appellations, co-déclaration,
    domaines de formation NSF des certifications qui y mènent).

    Exemple : cqpi similar RNCP35340 --kind rome ; cqpi similar H1102 --kind rome
    """
    with obj.open() as store:
        if not computed:
            res = similar(store, x, top, kind=kind, computed=False, threshold=threshold)
            _dump(res.to_dict()) if fmt == "json" else click.echo("\n".join(_declared_lines(res, evidence)))
            return
        text = similar_from_text(store, x, top, kind=kind, evidence=evidence)
    if fmt == "json":
        _dump(text.to_dict())
        return
    click.echo("\n".join(similar_lines(text, evidence)))


def _declared_lines(res, evidence: int) -> list[str]:  # noqa: ANN001 - socle.SimilarResult
    lines = [f"{res.subject.display()} — {res.size} compétence(s)", ""]
    if not res.items:
        lines.append("Aucun nœud ne partage de compétence avec lui.")
    for i, it in enumerate(res.items, 1):
        lines.append(
            f"{i}. {it.node.display()} — {it.shared} partagée(s) sur {it.size}, Jaccard {it.jaccard:.2f}"
        )
        for c in it.evidence[:evidence]:
            lines.append(f"     · {c.label or compact(c.iri)}" + (f" [{c.code}]" if c.code else ""))
        if len(it.evidence) > evidence:
            lines.append(f"     · … et {len(it.evidence) - evidence} autre(s)")
    return lines


def _basis(basis: str) -> str:
    return "déclaré" if basis == "declared" else "calculé"


def _co_declared(j: JobLink, source: str) -> str:
    """The certifications declaring both jobs, or their historic parent jobs (the RNCP export
    declares ROME v3 codes, the parents of ROME 4.0's new jobs)."""
    if not j.co_declared:
        return ""
    a, b = j.co_declared_as
    n = j.co_declared
    if a == b == source:
        return f" — {a} (celui-ci) est son métier historique, déclaré par {n} certification(s)"
    if a == b == j.code:
        return f" — métier historique de {source}, déclaré par {n} certification(s)"
    if a == b:
        return f" — même métier historique {a}, déclaré par {n} certification(s)"
    if (a, b) == (source, j.code):
        return f" — {j.co_declared} certification(s) déclarent les deux"
    return f" — {j.co_declared} certification(s) déclarent les métiers historiques {a} et {b}"


def _fields_line(j: JobLink, source: str, evidence: int) -> str:
    """The training fields shared by the certifications of the two jobs -- of their historic
    parent jobs when those are what the certifications declare."""
    fields = " ; ".join(f"{c.code} {c.label}".strip() for c in j.fields[:evidence])
    a, b = j.co_declared_as
    if (a, b) == (source, j.code):
        return f"      · domaines de formation communs (NSF) : {fields}"
    if a == b:
        return f"      · domaines de formation (NSF) des certifications qui déclarent {a} : {fields}"
    return f"      · domaines de formation communs (NSF) aux certifications de {a} et de {b} : {fields}"


def similar_lines(res: TextSimilar, evidence: int) -> list[str]:
    s = res.subject
    lines = [f"{s.ref.code} {s.ref.label}".strip() + (" [métier ROME]" if s.kind == "job" else ""), ""]
    if s.kind == "job" and res.jobs:
        lines.append(
            "Métiers proches (calculé : items ROME, texte, appellations, "
            "co-déclaration et domaines de formation des certifications) :"
        )
    elif res.jobs:
        lines.append("Métiers ROME : déclarés par la fiche, puis calculés d'après son titre et ses blocs")
    for i, j in enumerate(res.jobs, 1):
        score = f", score {j.score:.2f}" if j.score is not None else ""
        extra = _co_declared(j, s.ref.code)
        lines.append(f"{i:>2}. {j.code} {j.label} — {_basis(j.basis)}{score}{extra}")
        for m in j.matches[:evidence]:
            lines.append(f"      · « {m.a_text} » ~ « {m.b_text} » ({m.score:.2f})")
        if j.via and evidence:
            via = ", ".join(f"{c.code} ({c.score:.2f})" for c in j.via[:evidence])
            lines.append(f"      · certifications proches qui le déclarent : {via}")
        if j.shared and evidence:
            lines.append("      · en commun : " + " ; ".join(c.label for c in j.shared[:evidence]))
        if j.appellation and evidence:
            lines.append(f"      · appellation proche : « {j.appellation} »")
        if j.fields and evidence:
            lines.append(_fields_line(j, s.ref.code, evidence))
    if s.kind == "job" and res.declared_certifications:
        lines += ["", "Certifications qui déclarent ce métier (déclaré) :"][lines[-1] == "" :]
        for i, c in enumerate(res.declared_certifications, 1):
            lines.append(f"{i:>2}. {c.code} {c.label}")
    if res.certifications:
        lines += ["", "Certifications proches (calculé d'après les titres et les blocs) :"][lines[-1] == "" :]
        for i, close in enumerate(res.certifications, 1):
            lines.append(
                f"{i:>2}. {close.cert.code} {close.cert.label} — calculé, similarité {close.similarity:.2f}"
            )
            for unit in close.matches[:evidence]:
                lines.append(f"      · « {unit.a.text} » ~ « {unit.b.text} » ({unit.score:.2f})")
    if len(lines) == 2:
        lines.append("Rien de proche dans le graphe.")
    lines += ["", f"méthode : {res.method}"]
    return lines


@click.command("cqpi-candidates")
@click.option(
    "--min-jaccard",
    type=click.FloatRange(0, 1),
    default=0.3,
    show_default=True,
    help="Recouvrement minimal (Jaccard) entre deux certifications du groupe.",
)
@click.option("--min-branches", type=click.IntRange(2), default=2, show_default=True)
@click.option(
    "--across",
    type=click.Choice(["all", "branches", "certifiers"]),
    default="all",
    show_default=True,
    help="branches : CQP de branches différentes (compétences déclarées) ; certifiers : "
    "certifications de certificateurs différents dont les blocs se recouvrent (calculé).",
)
@click.option("--computed/--declared-only", default=False, show_default=True)
@threshold_option(DEFAULT_THRESHOLD)
@click.option(
    "--limit", type=click.IntRange(1), default=20, show_default=True, help="Groupes montrés (texte)."
)
@format_option("text", "json")
@click.pass_obj
def candidates_cmd(
    obj,
    min_jaccard: float,
    min_branches: int,
    across: str,
    computed: bool,
    threshold: float,
    limit: int,
    fmt: str,
) -> None:
    """Candidats à une certification commune (CQPI) ou à une reconnaissance mutuelle.

    Deux familles de groupes : des CQP de branches différentes aux activités identiques ou
    proches (le socle commun deviendrait le CQPI, le reste est propre à chaque branche) ; des
    certifications de certificateurs différents dont les blocs se recouvrent, d'après leurs
    textes (calculé : paires de blocs et scores). Deux versions d'une même certification
    (succession) ne forment pas un groupe.

    Exemple : cqpi cqpi-candidates --across certifiers --min-jaccard 0.5
    """
    branch_groups, text_groups = [], []
    with obj.open() as store:
        if across in ("all", "branches"):
            branch_groups = cqpi_candidates(
                store,
                min_jaccard=min_jaccard,
                min_branches=min_branches,
                computed=computed,
                threshold=threshold,
            )
        if across in ("all", "certifiers"):
            text_groups = certifier_overlaps(store, min_jaccard=min_jaccard, threshold=threshold)
    if fmt == "json":
        _dump(
            {
                "branches": [g.to_dict() for g in branch_groups],
                "certifiers": [g.to_dict() for g in text_groups],
            }
        )
        return
    lines: list[str] = []
    if across in ("all", "branches"):
        lines += _branch_group_lines(branch_groups, min_branches, min_jaccard)
    if across in ("all", "certifiers"):
        lines += _certifier_group_lines(text_groups, min_jaccard, limit)
    click.echo("\n".join(lines).rstrip())


def _branch_group_lines(groups, min_branches: int, min_jaccard: float) -> list[str]:  # noqa: ANN001
    if not groups:
        return [
            f"Aucun groupe de CQP d'au moins {min_branches} branches avec un recouvrement "
            f"(Jaccard) d'au moins {min_jaccard}.",
            "",
        ]
    lines = []
    for i, g in enumerate(groups, 1):
        lines.append(f"Groupe {i} — {len(g.members)} CQP, Jaccard moyen {g.mean_jaccard:.2f}")
        for m in g.members:
            lines.append(f"  {m.display()} — branche(s) : {', '.join(g.branches.get(m.iri, []))}")
        lines.append(f"  Socle commun ({len(g.core)}) :")
        for s in g.core:
            lines.append(f"    - {s.label}" + (f" [{s.code}]" if s.code else "") + f" — {s.basis}")
        for m in g.members:
            spec = g.specific.get(m.iri, [])
            lines.append(f"  Propre à {m.code} ({len(spec)}) :")
            lines += [f"    - {c.label or compact(c.iri)}" for c in spec]
        lines.append("")
    return lines


def _certifier_group_lines(groups, min_jaccard: float, limit: int) -> list[str]:  # noqa: ANN001
    if not groups:
        return [
            "Aucun groupe de certifications de certificateurs différents dont les blocs se "
            f"recouvrent (Jaccard) d'au moins {min_jaccard}."
        ]
    lines = [
        f"{len(groups)} groupe(s) de certifications de certificateurs différents dont les blocs se "
        f"recouvrent (calculé d'après les textes, Jaccard ≥ {min_jaccard}) :",
        "",
    ]
    for i, g in enumerate(groups[:limit], 1):
        lines.append(f"Groupe {i} — {len(g.members)} certifications, Jaccard moyen {g.mean_jaccard:.2f}")
        for m in g.members:
            lines.append(
                f"  {m.code} {m.label} — certificateur(s) : {', '.join(g.certifiers.get(m.iri, []))}"
            )
        for p in g.pairs:
            lines.append(
                f"  {p.a.code} × {p.b.code} : {p.shared} bloc(s) en commun sur {len(p.a_units)} et "
                f"{len(p.b_units)} (Jaccard {p.jaccard:.2f})"
            )
            for m in one_to_one(p.matches):
                via = f", via « {m.via.text} »" if m.via and m.via_score > m.direct else ""
                lines.append(f"    - « {m.a.text} » ~ « {m.b.text} » ({m.score:.2f}{via})")
        lines.append("")
    if len(groups) > limit:
        lines.append(f"… et {len(groups) - limit} autre(s) groupe(s) (--limit, --format json)")
    return lines


@click.command("align")
@threshold_option(DEFAULT_THRESHOLD, "Score cosinus minimal gardé.")
@click.option(
    "--scope",
    type=click.Choice(["all", "certifications"]),
    default="all",
    show_default=True,
    help="all : entre tous les référentiels (blocs, ROME, ESCO) ; certifications : paires dont "
    "un côté au moins est un bloc ou une capacité d'une certification.",
)
@click.option("--dry-run", is_flag=True, help="Calculer et afficher sans écrire dans le graphe.")
@format_option("text", "json")
@click.pass_obj
def align_cmd(obj, threshold: float, scope: str, dry_run: bool, fmt: str) -> None:
    """Recalculer les alignements entre compétences (graphe computed/alignments).

    `cqpi build` les calcule déjà (seuil 0.5, périmètre all) : cette commande sert à un autre
    seuil ou périmètre. Méthode : normalisation française (casse, accents, mots vides,
    racinisation Snowball), cosinus TF-IDF ; pour chaque compétence, la meilleure
    correspondance dans chaque autre registre. Jamais écrit comme skos:exactMatch.
    """
    report = run_align(
        obj.store_path, endpoint=obj.endpoint, threshold=threshold, scope=scope, dry_run=dry_run
    )
    if fmt == "json":
        _dump(report.to_dict())
        return
    kinds = report.to_dict()["by_registries"]
    click.echo(
        f"{report.competences} compétence(s) comparée(s), {len(report.alignments)} alignement(s) "
        f"≥ {threshold} ({'non écrits' if dry_run else 'écrits dans computed/alignments'})"
    )
    click.echo("  par registres : " + ", ".join(f"{k} {v}" for k, v in kinds.items()))
    for al in report.alignments[:20]:
        click.echo(f"  {al.score:.2f}  {al.a_label}  ~  {al.b_label}")
    if len(report.alignments) > 20:
        click.echo(f"  … et {len(report.alignments) - 20} autre(s) (--format json pour tout)")


def register(group: click.Group) -> None:
    for cmd in (path_cmd, reach_cmd, socle_cmd, similar_cmd, candidates_cmd, align_cmd):
        group.add_command(cmd)
