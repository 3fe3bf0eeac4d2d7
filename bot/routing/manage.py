"""Reading and changing a route's rules (CLI `routes edit`, chat /filter): validated
before anything is stored, described the same way everywhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.routing import filters, sending, timing
from storage import route_outcomes, routes
from storage.db import Database
from storage.routes import Route


class RouteNotFound(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class FilterChange:
    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    remove: Sequence[str] = ()  # rule texts to drop from either list
    clear: bool = False

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude or self.remove or self.clear)


def changed_filter(current: filters.RouteFilter, change: FilterChange) -> filters.RouteFilter:
    """`current` with the change applied; FilterError names the first bad rule."""
    base = filters.RouteFilter() if change.clear else current
    dropped = {filters.parse_rule(text) for text in change.remove}
    include = [r.spec() for r in base.include if r not in dropped] + list(change.include)
    exclude = [r.spec() for r in base.exclude if r not in dropped] + list(change.exclude)
    return filters.build(include, exclude)


def filter_options(options: dict[str, object] | None, change: FilterChange) -> dict[str, object]:
    """Route options with the filter changed (for a route being created)."""
    current = dict(options or {})
    return filters.with_filter(current, changed_filter(filters.from_options(current), change))


async def edit_filter(db: Database, route_id: int, change: FilterChange) -> Route:
    """Apply the change to the stored route and return it."""
    return await edit_options(db, route_id, lambda options: filter_options(options, change))


async def edit_options(
    db: Database, route_id: int, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> Route:
    """Replace the route's options with `change(options)`."""
    async with db.begin() as conn:
        route = await routes.get_route(conn, route_id)
        if route is None:
            raise RouteNotFound(f"no route {route_id} (see `chatwire routes list`)")
        route.options = change(dict(route.options))
        await routes.set_route_options(conn, route.id, route.options)
    return route


def describe_rules(route: Route, counts: dict[str, int] | None = None) -> str:
    """One line: the route's filter and what it held back, e.g.
    `filter: +title:ai -体育 · filtered out 3`."""
    try:
        text = f"filter: {filters.from_options(route.options).describe()}"
    except filters.FilterError as exc:
        text = f"filter: unusable ({exc}), posting everything"
    counts = counts or {}
    skipped = [
        f"{label} {counts[key]}"
        for key, label in (
            (route_outcomes.FILTERED, "filtered out"),
            (route_outcomes.DUPLICATE, "duplicates"),
            ("digest_pending", "waiting for the digest"),
        )
        if counts.get(key)
    ]
    extra = [t for t in (sending.describe(route.options), timing.describe(route.options)) if t]
    return " · ".join([text, *extra, *skipped])


async def rules_report(db: Database, route_list: Sequence[Route]) -> dict[int, str]:
    """describe_rules for each route, with its counts, in one query."""
    async with db.begin() as conn:
        counts = await route_outcomes.outcome_counts(conn, [r.id for r in route_list])
    return {route.id: describe_rules(route, counts.get(route.id)) for route in route_list}
