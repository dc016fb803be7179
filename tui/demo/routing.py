"""What a demo server routes by and what it keeps of each request.

A route table maps a path (which may hold ``{name}`` parameters, as the Sinch EST API's
``/v1/projects/{projectId}/trunks/{trunkId}``) to its methods' handlers; a
:class:`RecordedRequest` is one request as the server saw it, kept in memory for the
leak tests, which check that each secret reached only the server it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.demo.loopback import JsonHandler

__all__ = ["CompiledRoutes", "RecordedRequest", "Route", "RouteTable"]

Route = Callable[["JsonHandler", bytes], None]
RouteTable = Mapping[str, Mapping[str, Route]]
"""Path (may hold ``{name}`` parameters) -> method -> handler(request, body)."""


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the server saw it, for tests; never written anywhere."""

    method: str
    path: str
    """Without the query string."""
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int
    """The status answered; 0 when the connection was dropped unanswered."""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def carries(self, text: str) -> bool:
        """Whether ``text`` appears anywhere in what was sent (path, query, headers, body)."""
        if not text:
            return False
        where = [self.path, self.query, self.body.decode("utf-8", "replace")]
        where.extend(f"{key}: {value}" for key, value in self.headers)
        return any(text in part for part in where)


class CompiledRoutes:
    """Exact paths first, then ``{name}`` patterns in the order given."""

    def __init__(self, routes: RouteTable) -> None:
        self.exact: dict[str, Mapping[str, Route]] = {}
        self.patterns: list[tuple[re.Pattern[str], Mapping[str, Route]]] = []
        for path, methods in routes.items():
            if "{" in path:
                regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
                self.patterns.append((re.compile(f"^{regex}$"), methods))
            else:
                self.exact[path] = methods

    def find(self, path: str) -> tuple[Mapping[str, Route] | None, dict[str, str]]:
        methods = self.exact.get(path)
        if methods is not None:
            return methods, {}
        for pattern, candidate in self.patterns:
            match = pattern.match(path)
            if match:
                return candidate, match.groupdict()
        return None, {}
