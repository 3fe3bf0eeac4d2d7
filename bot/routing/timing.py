"""When a route posts: quiet hours (held until the window ends) and digest periods.

Route options: `quiet` = {"from": "22:00", "to": "07:00", "tz": "Asia/Shanghai",
"release": "each" | "digest"} — items arriving inside the window (in that time
zone, across midnight when `from` > `to`) are held until it ends, then posted one
by one at normal pacing, or as one digest post. `digest` = "hourly" | "daily" |
"weekly" (with `digest_at` "HH:MM" for daily and weekly, Mondays; default 08:00,
in the quiet `tz` or `digest_tz`, default UTC) — items are collected and posted as
one digest at each period's end. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

QUIET_KEY = "quiet"
DIGEST_KEY = "digest"
DIGEST_AT_KEY = "digest_at"
DIGEST_TZ_KEY = "digest_tz"
PERIODS = ("hourly", "daily", "weekly")
RELEASES = ("each", "digest")
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class TimingError(ValueError):
    """A quiet-hours or digest setting that cannot be used; the message says why."""


def parse_hhmm(text: str) -> time:
    match = _HHMM.match(text.strip())
    if not match:
        raise TimingError(f"expected a time like 22:00, got {text!r}")
    return time(int(match[1]), int(match[2]))


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise TimingError(f"unknown time zone {name!r} (use e.g. Europe/Berlin)") from None


@dataclass(frozen=True, slots=True)
class Quiet:
    start: time
    end: time
    tz: ZoneInfo
    release: str = "each"

    def until(self, now: datetime) -> datetime | None:
        """The window's end (UTC) when `now` is inside the window, else None."""
        local = now.astimezone(self.tz)
        clock = local.time().replace(tzinfo=None)
        if self.start == self.end:
            return None
        if self.start < self.end:
            inside = self.start <= clock < self.end
            end_day = local.date()
        else:  # across midnight
            inside = clock >= self.start or clock < self.end
            end_day = local.date() + timedelta(days=1) if clock >= self.start else local.date()
        if not inside:
            return None
        end = datetime.combine(end_day, self.end, tzinfo=self.tz)
        return end.astimezone(UTC)

    def describe(self) -> str:
        then = " as one digest" if self.release == "digest" else ""
        return f"quiet {self.start:%H:%M}-{self.end:%H:%M} {self.tz.key}{then}"


def quiet_from(options: Mapping[str, Any]) -> Quiet | None:
    spec = options.get(QUIET_KEY)
    if not spec:
        return None
    if not isinstance(spec, Mapping):
        raise TimingError("quiet hours must be an object with from, to, tz")
    release = spec.get("release", "each")
    if release not in RELEASES:
        raise TimingError(f"quiet release must be each or digest, not {release!r}")
    return Quiet(
        parse_hhmm(str(spec.get("from", ""))),
        parse_hhmm(str(spec.get("to", ""))),
        zone(spec.get("tz")),
        release,
    )


def parse_quiet(text: str, tz: str | None, release: str = "each") -> dict[str, str]:
    """`22:00-07:00` (and a zone) → the stored option; TimingError if unusable."""
    start, sep, end = text.partition("-")
    if not sep:
        raise TimingError(f"quiet hours look like 22:00-07:00, got {text!r}")
    spec = {"from": start.strip(), "to": end.strip(), "tz": tz or "UTC", "release": release}
    quiet_from({QUIET_KEY: spec})
    return spec


@dataclass(frozen=True, slots=True)
class Digest:
    period: str
    at: time
    tz: ZoneInfo

    def next_after(self, moment: datetime) -> datetime:
        """The end of the period `moment` falls in (UTC): when its digest is due."""
        local = moment.astimezone(self.tz)
        if self.period == "hourly":
            start = local.replace(minute=0, second=0, microsecond=0)
            return (start + timedelta(hours=1)).astimezone(UTC)
        due = datetime.combine(local.date(), self.at, tzinfo=self.tz)
        if self.period == "weekly":
            due -= timedelta(days=local.weekday())  # this week's Monday
            step = timedelta(days=7)
        else:
            step = timedelta(days=1)
        while due <= local:
            due += step
        return due.astimezone(UTC)

    def describe(self) -> str:
        if self.period == "hourly":
            return "digest hourly"
        when = "Mondays " if self.period == "weekly" else ""
        return f"digest {self.period} ({when}{self.at:%H:%M} {self.tz.key})"


def digest_from(options: Mapping[str, Any]) -> Digest | None:
    period = options.get(DIGEST_KEY)
    if not period:
        return None
    if period not in PERIODS:
        raise TimingError(f"digest must be hourly, daily or weekly, not {period!r}")
    quiet = options.get(QUIET_KEY)
    tz_name = options.get(DIGEST_TZ_KEY) or (
        quiet.get("tz") if isinstance(quiet, Mapping) else None
    )
    return Digest(period, parse_hhmm(str(options.get(DIGEST_AT_KEY, "08:00"))), zone(tz_name))


def describe(options: Mapping[str, Any]) -> str:
    parts = []
    try:
        if (quiet := quiet_from(options)) is not None:
            parts.append(quiet.describe())
        if (digest := digest_from(options)) is not None:
            parts.append(digest.describe())
    except TimingError as exc:
        parts.append(f"timing unusable ({exc})")
    return " · ".join(parts)
