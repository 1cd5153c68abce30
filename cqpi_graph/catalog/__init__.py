"""The catalog: what a certification is, how it is named and grouped (see `index`), the label
rule (`labels`) and the identifier correspondence rule (`sameness`)."""

from __future__ import annotations

from .index import Bloc, Branch, Catalog, Certification, Status, certification_classes, load_catalog
from .labels import LabelCandidate, choose_label, fold, local_name

__all__ = [
    "Bloc",
    "Branch",
    "Catalog",
    "Certification",
    "LabelCandidate",
    "Status",
    "certification_classes",
    "choose_label",
    "fold",
    "load_catalog",
    "local_name",
]
