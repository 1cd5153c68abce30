"""The named steps the long functions were split into (issue 13): the rules each one decides.

The steps' combined output is pinned by tests/test_import_equivalence.py (importers) and the
socle and schema.org tests; these check the small decisions on the real values they meet.
"""

from __future__ import annotations

from cqpi_graph.export.certs import Bloc, Certification, Coded, Competence, Organisation
from cqpi_graph.export.schemaorg import _alternate_name, _level, _organization, _part
from cqpi_graph.importers.bcn import succession_fields
from cqpi_graph.importers.rome import (
    SAVOIR,
    SAVOIR_ETRE,
    SAVOIR_FAIRE,
    WORK_CONTEXT,
    competence_kind,
    core_property,
)
from cqpi_graph.socle import share_threshold

ID = "https://w3id.org/cqpi/id/"

# ---------------------------------------------------------------- ROME


def test_rome_item_kinds_name_property_and_iri() -> None:
    assert SAVOIR_FAIRE.iri("100023") == f"<{ID}rome/competence/100023>"
    assert SAVOIR_ETRE.iri("100023") == f"<{ID}rome/competence/100023>"
    assert SAVOIR.iri("123") == f"<{ID}rome/savoir/123>"
    assert WORK_CONTEXT.iri("7") == f"<{ID}rome/contexte/7>"
    assert {k.prop for k in (SAVOIR_FAIRE, SAVOIR_ETRE, SAVOIR, WORK_CONTEXT)} == {
        "romeSavoirFaire",
        "romeSavoirEtre",
        "romeSavoir",
        "romeWorkContext",
    }


def test_rome_competence_kind_from_cat_comp() -> None:
    # the two values of cat_comp in unix_referentiel_competence_v460_utf8.csv
    assert competence_kind("Savoir-être professionnel") is SAVOIR_ETRE
    assert competence_kind("Savoir-faire") is SAVOIR_FAIRE
    assert competence_kind("SAVOIR-ÊTRE PROFESSIONNEL") is SAVOIR_ETRE
    assert competence_kind("") is SAVOIR_FAIRE


def test_rome_core_item_from_coeur_metier() -> None:
    # the values of coeur_metier in unix_coherence_item_v460_utf8.csv
    assert core_property("Principale") == "romeCoreItem"
    assert core_property(" principale ") == "romeCoreItem"
    assert core_property("Émergente") == "romeEmergingItem"
    assert core_property("Emergente") == "romeEmergingItem"
    assert core_property("") is None
    assert core_property("Secondaire") is None


# ---------------------------------------------------------------- BCN


def test_bcn_succession_columns_in_file_order() -> None:
    fields = succession_fields()
    assert len(fields) == 14
    assert fields[:2] == [("ANCIEN_DIPLOME_1", False), ("NOUVEAU_DIPLOME_1", True)]
    assert fields[-1] == ("NOUVEAU_DIPLOME_7", True)


# ---------------------------------------------------------------- socle


def test_socle_share_threshold() -> None:
    assert share_threshold(3, None, whole_branch=False) == 3  # named certifications: all of them
    assert share_threshold(9, None, whole_branch=True) == 2  # a branch alone: at least two
    assert share_threshold(1, None, whole_branch=True) == 1
    assert share_threshold(4, 10, whole_branch=False) == 4  # never more than there are nodes
    assert share_threshold(4, 2, whole_branch=False) == 2


# ---------------------------------------------------------------- schema.org


def _record(**kw: object) -> Certification:
    return Certification(f"{ID}rncp/RNCP35340", [f"{ID}rncp/RNCP35340"], **kw)  # type: ignore[arg-type]


def test_schemaorg_alternate_name_one_or_several() -> None:
    assert _alternate_name(_record()) is None
    assert _alternate_name(_record(abbreviations=["CAP"])) == "CAP"
    assert _alternate_name(_record(abbreviations=["BP", "CAP"])) == ["BP", "CAP"]


def test_schemaorg_level_needs_a_concept() -> None:
    assert _level(_record()) is None
    assert _level(_record(level=Coded(None, "3"))) is None
    level = _level(_record(level=Coded(f"{ID}niveau/3", "3"), eqf="http://data.europa.eu/snb/eqf/3"))
    assert level is not None
    assert level["name"] == "Niveau 3"  # no label read: the code says which level
    assert level["sameAs"] == "http://data.europa.eu/snb/eqf/3"


def test_schemaorg_part_and_organization_leave_unknown_fields_out() -> None:
    assert _part(Bloc(None, None, {})) == {"@type": "EducationalOccupationalCredential"}
    bloc = Bloc(
        f"{ID}bloc/RNCP35340BC01", "RNCP35340BC01", {"fr": "Bloc 1"}, [Competence(None, {"fr": "Souder"})]
    )
    part = _part(bloc)
    assert part["identifier"]["value"] == "RNCP35340BC01"
    assert part["competencyRequired"] == [{"@type": "DefinedTerm", "name": "Souder"}]
    org = _organization(Organisation(f"{ID}org/x", {}, None))
    assert org == {"@type": "Organization", "@id": f"{ID}org/x"}
