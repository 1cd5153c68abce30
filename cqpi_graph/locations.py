"""Where the project keeps its files on a user's machine (XDG base directories)."""

from __future__ import annotations

import os
from pathlib import Path


def user_data_path(env_var: str, name: str) -> Path:
    """$env_var, else $XDG_DATA_HOME/cqpi-graph/{name} (~/.local/share/cqpi-graph/{name})."""
    env = os.environ.get(env_var)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "cqpi-graph" / name
