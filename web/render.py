"""One way to answer with a library result: its `to_dict()` as the JSON twin, or a page.

Datasette's pattern: every page has a JSON twin built from the same data (`?format=json` or
`Accept: application/json`), and library exceptions become HTTP statuses in one place
(`security.init_app`).
"""

from __future__ import annotations

from typing import Any, Protocol

from flask import jsonify, render_template, request

from .security import wants_json


class Result(Protocol):
    def to_dict(self) -> dict: ...


def json_requested() -> bool:
    return request.args.get("format") == "json" or wants_json()


def render(result: Result | None, template: str, status: int = 200, **context: Any):  # noqa: ANN201
    """The result as JSON (exactly `result.to_dict()`) or as the page `template`."""
    if json_requested():
        resp = jsonify(result.to_dict() if result is not None else {})
        resp.status_code = status
        return resp
    return render_template(template, result=result, **context), status
