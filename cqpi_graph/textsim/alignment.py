"""A computed alignment of two text units (competences, blocs): the record shared by `align`,
`socle` and the text model, kept apart from all three so that none imports another for it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..namespaces import ID
from .model import METHOD

ALIGNMENT_ID = ID + "alignment/"


@dataclass
class Alignment:
    a: str
    b: str
    score: float
    method: str = METHOD
    a_label: str = ""
    b_label: str = ""
    shared_stems: list[str] = field(default_factory=list)

    @property
    def iri(self) -> str:
        x, y = sorted((self.a, self.b))
        return ALIGNMENT_ID + hashlib.sha1(f"{x}|{y}|{self.method}".encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "score": round(self.score, 4),
            "method": self.method,
            "a_label": self.a_label,
            "b_label": self.b_label,
            "shared_stems": self.shared_stems,
            "kind": "computed",
        }
