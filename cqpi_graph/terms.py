"""Conversions between pyoxigraph terms (the store) and rdflib terms (parsers, reasoners, SHACL)."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib

_XSD_STRING = str(rdflib.XSD.string)


def to_rdflib(t: object) -> rdflib.term.Node:
    """An Oxigraph term as rdflib's; a plain string literal stays plain (RDF 1.1: the same)."""
    if isinstance(t, ox.NamedNode):
        return rdflib.URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return rdflib.BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        dt = t.datatype.value
        if dt == _XSD_STRING:
            return rdflib.Literal(t.value)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(dt))
    raise TypeError(f"terme non pris en charge : {t!r}")
