"""French normalisation of competence texts: the tokens every text method of cqpi-graph compares.

lower case; words split on anything that is not a letter or a digit; French stop words removed
(``STOP_WORDS``); each word stemmed by the Snowball French stemmer (``snowballstemmer``); accents
removed after stemming (so « réglage », « reglages » and « régler » meet on « regl »). A word is
stemmed once per process (a national graph has ~60,000 texts but ~30,000 distinct words).
"""

from __future__ import annotations

import re
import unicodedata

STOP_WORDS = frozenset(
    """
a à afin ai aie aient ainsi alors au aucun aucune aupres auquel aussi autre autres aux auxquels
avec avoir ayant c ca car ce ceci cela celle celles celui cependant ces cet cette ceux chacun
chaque chez ci comme comment d dans de des dont du elle elles en encore entre est et etc etre eu
eux fait faire font hors il ils j je jusqu l la le les leur leurs lui m ma mais me meme memes
mes moi mon n ne ni nos notre nous on ont ou par parmi pas pendant peu peut plus pour pres qu
quand que quel quelle quelles quels qui s sa sans se selon ser ses si sien soi soit son sont
sous sur t ta te tel telle telles tels tes toi ton tous tout toute toutes tres tu un une unes
uns vers via vos votre vous y
""".split()  # noqa: SIM905 - a word list reads better as text
)

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_stems: dict[str, str] = {}  # word -> stem ("" for a stop word), for the life of the process
_stemmer = None


def strip_accents(text: str) -> str:
    nfkd = unicodedata.normalize("NFKD", text)
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def stem_words(words: list[str]) -> list[str]:
    """Snowball French stems of words (no cache, no stop-word removal)."""
    global _stemmer
    if _stemmer is None:
        import snowballstemmer

        _stemmer = snowballstemmer.stemmer("french")
    return _stemmer.stemWords(words)


def _stem(word: str) -> str:
    stem = _stems.get(word)
    if stem is None:
        if len(word) < 2 or strip_accents(word) in STOP_WORDS:
            stem = ""
        else:
            stem = strip_accents(stem_words([word])[0])
        if len(_stems) < 500_000:  # bounded: a long-running server meets new words forever
            _stems[word] = stem
    return stem


def normalise(text: str) -> list[str]:
    """The stems of a French text: lower case, no stop words, Snowball stems, no accents."""
    out = []
    for w in _WORD.findall(text.casefold().replace("’", "'")):
        s = _stem(w)
        if s:
            out.append(s)
    return out
