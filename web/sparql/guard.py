"""What a query sent to /sparql may not do, found by a lexer that follows the SPARQL 1.1 grammar.

Oxigraph runs SERVICE clauses (it sends HTTP requests to the IRI a caller writes) and its
keywords need no word boundary: `?o .SERVICE<…>`, `SERVICE:x{…}` (the empty prefix) and
`trueSERVICE<…>` all call out. So the check does not look for the word "service"; it blanks only
what the grammar makes opaque — strings, IRIs, comments, variables, blank node labels, language
tags, numbers and the local part of prefixed names (all of which the parser reads greedily) —
and refuses a query if "service" is left anywhere in the rest (keywords, function names, the
prefix part of prefixed names). A character the lexer does not know stops the blanking: the
whole query is then searched as it is (fail closed).
"""

from __future__ import annotations

import re

# PN_CHARS_BASE of the grammar (section 19.8).
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = rf"(?:[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?)?"
_LOCAL = rf"(?:(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?)?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"

# (kind, pattern); the first that matches at a position wins, longest forms first.
_TOKENS = [
    ("ws", r"[ \t\r\n]+"),
    ("comment", r"#[^\r\n]*"),
    ("string", r'"""(?:[^"\\]|\\.|"(?!""))*"""' r"|'''(?:[^'\\]|\\.|'(?!''))*'''"),
    ("string", r'"(?:[^"\\\r\n]|\\.)*"' r"|'(?:[^'\\\r\n]|\\.)*'"),
    ("iri", rf"<(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>"),
    ("var", rf"[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"),
    ("bnode", rf"_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?"),
    ("pname", rf"(?P<prefix>{_PREFIX}):{_LOCAL}"),
    ("lang", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
    ("number", r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"),
    ("word", rf"[{_U}][{_U}0-9]*"),
    ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*+\-/!=<>|^?]"),
]
_LEXER = re.compile("|".join(f"(?P<t{i}>{p})" for i, (_, p) in enumerate(_TOKENS)))
_KINDS = [k for k, _ in _TOKENS]

UPDATE_KEYWORDS = frozenset(
    {"insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with"}
)


def tokens(query: str) -> list[tuple[str, str]] | None:
    """(kind, text) for each token, or None if the lexer meets a character it does not know."""
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        m = _LEXER.match(query, pos)
        if m is None or m.end() == pos:
            return None
        kind = _KINDS[int((m.lastgroup or "g0")[1:])]  # the outer group of a token closes last
        text = m.group(0)
        if kind == "pname":  # the local part is read greedily: only the prefix can hide a keyword
            out.append(("prefix", m.group("prefix")))
        elif kind != "ws":
            out.append((kind, text))
        pos = m.end()
    return out


OPAQUE = {"comment", "string", "iri", "var", "bnode", "lang", "number"}


def visible_text(query: str) -> str:
    """The query with every opaque part removed (lower case); the whole query if it does not lex."""
    toks = tokens(query)
    if toks is None:
        return query.lower()
    return " ".join(text for kind, text in toks if kind not in OPAQUE).lower()


def uses_service(query: str) -> bool:
    return "service" in visible_text(query)


def is_update(query: str) -> bool:
    """An update keyword as a bare word anywhere (none of them is a query keyword or function)."""
    toks = tokens(query)
    if toks is None:
        words = re.findall(r"[a-z]+", query.lower())
    else:
        words = [text.lower() for kind, text in toks if kind == "word"]
    return any(w in UPDATE_KEYWORDS for w in words)
