"""Where a remote SPARQL server is and how to speak to it: one record, passed as an argument.

The `cqpi` options build it (each option also read from its CQPI_* variable by click); the
library takes an `Endpoint`, or a bare URL with the defaults. Only when no store is given at
all does the library fall back on the environment (CQPI_ENDPOINT and the other CQPI_* settings),
as it falls back on CQPI_STORE for the embedded store.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import RemoteStoreError

UNION_MODES = ("auto", "param", "server", "dataset")


@dataclass(frozen=True)
class Endpoint:
    url: str  # the query URL (`http://host:7878` alone means Oxigraph's layout)
    update: str | None = None  # the update URL, when it differs from the derived one
    graph_store: str | None = None  # Graph Store Protocol URL ("none": SPARQL only)
    union: str = "auto"  # how the default graph is made the union of the named graphs
    timeout: float = 120.0  # seconds to wait for an answer (loads get 10×)

    def __post_init__(self) -> None:
        if self.union not in UNION_MODES:
            expected = ", ".join(UNION_MODES)
            raise RemoteStoreError(f"mode d'union inconnu : {self.union} (attendu : {expected})")

    @classmethod
    def from_env(cls, url: str, env: Mapping[str, str] | None = None, **given: str | None) -> Endpoint:
        """`url` with the other settings from `given` (non-empty values win) or the CQPI_*
        variables of `env` (default: the process environment)."""
        env = os.environ if env is None else env
        raw_timeout = env.get("CQPI_HTTP_TIMEOUT") or "120"
        try:
            timeout = float(raw_timeout)
        except ValueError:
            raise RemoteStoreError("CQPI_HTTP_TIMEOUT : un nombre de secondes est attendu") from None
        return cls(
            url,
            update=given.get("update") or env.get("CQPI_UPDATE_ENDPOINT") or None,
            graph_store=given.get("graph_store") or env.get("CQPI_GRAPH_STORE") or None,
            union=env.get("CQPI_UNION_DEFAULT_GRAPH") or "auto",
            timeout=timeout,
        )


def resolve(endpoint: str | Endpoint | None) -> Endpoint | None:
    """The endpoint to use: the one given (a bare URL with the defaults); when none is given,
    CQPI_ENDPOINT with the environment's settings, if set."""
    if isinstance(endpoint, Endpoint):
        return endpoint
    if endpoint:
        return Endpoint(endpoint)
    url = os.environ.get("CQPI_ENDPOINT")
    return Endpoint.from_env(url) if url else None
