"""Options several commands share: one declaration each, so that their choices stay alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

Decorator = Callable[[Any], Any]
REASONERS = ["rules", "reasonable", "owlrl"]


def reasoner_option(help: str) -> Decorator:
    """--reasoner: the OWL 2 RL engine run after the graph changes."""
    return click.option(
        "--reasoner", type=click.Choice(REASONERS), default="rules", show_default=True, help=help
    )


def threshold_option(default: float, help: str | None = None, hidden: bool = False) -> Decorator:
    """--threshold: a minimal score between 0 and 1."""
    return click.option(
        "--threshold",
        type=click.FloatRange(0, 1),
        default=default,
        show_default=True,
        help=help,
        hidden=hidden,
    )


def format_option(*choices: str) -> Decorator:
    """--format (parameter ``fmt``), text by default."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default="text", show_default=True
    )


def lang_option(help: str | None = None) -> Decorator:
    """--lang: the language of what is printed, French by default."""
    return click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help=help)
