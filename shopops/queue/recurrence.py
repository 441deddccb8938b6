"""When a recurring job queue entry runs next, with Business Central's rules.

``Recurrence(every_minutes=15, weekdays="Mon-Fri", between=("06:00", "22:00"), tz="Europe/Copenhagen")``
runs every 15 minutes on weekdays between 06:00 and 22:00 Copenhagen time. A window whose start is later
than its end crosses midnight (``between=("22:00", "02:00")``; the early hours belong to the day the
window opened). ``Recurrence(date_formula="<CM+1D>", at="02:00")`` runs at 02:00 on the first of every
month. With neither minutes nor a formula an entry runs daily, as in Business Central.

The next run is anchored on the *scheduled* time of the run that just ended, never on when it ended,
so a schedule does not drift; runs missed while nothing was working are skipped, not replayed.
Times are computed in the entry's IANA time zone: a local time that does not exist (spring forward)
moves forward by the gap, an ambiguous one (fall back) is taken at its first occurrence; minute
intervals are real elapsed minutes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shopops.errors import ConfigError
from shopops.queue.date_formula import DateFormula

UTC = dt.UTC
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_SEARCH_DAYS = 400
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_weekdays(spec: str | list[str] | tuple[str, ...] | None) -> str | None:
    """``"Mon-Fri"``, ``"Mon,Wed,Fri"``, ``"Sat-Sun"`` or a list of names -> seven flags, Monday first."""
    if spec is None:
        return None
    if isinstance(spec, str) and re.fullmatch(r"[01]{7}", spec):
        return spec
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    flags = [False] * 7
    for raw in parts:
        part = raw.strip()
        if not part:
            continue
        bounds = [p.strip()[:3].title() for p in part.split("-")]
        if len(bounds) > 2 or any(b not in DAYS for b in bounds):
            raise ConfigError("weekdays", f"{spec!r}: use day names like 'Mon-Fri' or 'Mon,Wed,Fri'")
        first, last = DAYS.index(bounds[0]), DAYS.index(bounds[-1])
        i = first
        while True:
            flags[i] = True
            if i == last:
                break
            i = (i + 1) % 7
    if not any(flags):
        raise ConfigError("weekdays", f"{spec!r} allows no day")
    return "".join("1" if f else "0" for f in flags)


def format_weekdays(flags: str | None) -> str:
    """Seven flags back to a short text: ``"1111100"`` -> ``"Mon-Fri"``."""
    if not flags or flags == "1111111":
        return "daily"
    days = [i for i, f in enumerate(flags) if f == "1"]
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(DAYS[r[0]] if len(r) == 1 else f"{DAYS[r[0]]}-{DAYS[r[-1]]}" for r in runs)


def _parse_time(field: str, value: str | None) -> dt.time | None:
    if value is None:
        return None
    m = _HHMM.match(value.strip())
    if not m:
        raise ConfigError(field, f"{value!r}: use HH:MM, e.g. 06:00")
    return dt.time(int(m.group(1)), int(m.group(2)))


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("tz", f"{tz!r} is not an IANA time zone; use e.g. Europe/Copenhagen or UTC") from None


@dataclass(frozen=True)
class Recurrence:
    """A recurring schedule; see the module docstring for the rules."""

    every_minutes: int | None = None
    weekdays: str | None = None
    between: tuple[str, str] | None = None
    at: str | None = None
    date_formula: str | None = None
    tz: str = "UTC"

    def __post_init__(self) -> None:
        if self.every_minutes is not None and (
            isinstance(self.every_minutes, bool) or not isinstance(self.every_minutes, int) or self.every_minutes < 1
        ):
            raise ConfigError("every_minutes", f"{self.every_minutes!r}: a whole number of minutes, 1 or more")
        if self.date_formula is not None:
            formula = DateFormula.parse(self.date_formula)
            if not formula.advances():
                raise ConfigError(
                    "date_formula",
                    f"{self.date_formula!r} does not always move the date forward; e.g. <CM+1D>",
                )
            if self.every_minutes is not None or self.weekdays is not None:
                raise ConfigError("date_formula", "a date formula excludes weekdays and every_minutes (as in BC)")
            object.__setattr__(self, "date_formula", formula.text)
        object.__setattr__(self, "weekdays", parse_weekdays(self.weekdays))
        if self.between is not None:
            if len(self.between) != 2:
                raise ConfigError("between", "give (starting time, ending time), e.g. ('06:00', '22:00')")
            start, end = _parse_time("between", self.between[0]), _parse_time("between", self.between[1])
            if start == end:
                raise ConfigError("between", "starting and ending time are equal; leave between out for all day")
            assert start is not None and end is not None
            object.__setattr__(self, "between", (start.strftime("%H:%M"), end.strftime("%H:%M")))
        if self.at is not None:
            if self.between is not None:
                raise ConfigError("at", "give either at= (a start time) or between= (a window), not both")
            parsed = _parse_time("at", self.at)
            assert parsed is not None
            object.__setattr__(self, "at", parsed.strftime("%H:%M"))
        _zone(self.tz)

    # --- the stored form (columns of job_queue_entry) -------------------------------------------------

    @property
    def starting_time(self) -> str | None:
        """BC's Starting Time."""
        return self.between[0] if self.between else self.at

    @property
    def ending_time(self) -> str | None:
        """BC's Ending Time."""
        return self.between[1] if self.between else None

    def columns(self) -> dict[str, object]:
        """The job_queue_entry columns that hold this recurrence."""
        return {
            "recurring": True,
            "weekdays": self.weekdays,
            "starting_time": self.starting_time,
            "ending_time": self.ending_time,
            "every_minutes": self.every_minutes,
            "date_formula": self.date_formula,
            "timezone": self.tz,
        }

    @classmethod
    def from_columns(cls, row: Mapping[str, Any]) -> Recurrence | None:
        """The recurrence stored on an entry row, or None for a one-off entry."""
        if not row.get("recurring"):
            return None
        start, end = row.get("starting_time"), row.get("ending_time")
        return cls(
            every_minutes=row.get("every_minutes"),
            weekdays=row.get("weekdays"),
            between=(str(start), str(end)) if start and end else None,
            at=str(start) if start and not end else None,
            date_formula=row.get("date_formula"),
            tz=str(row.get("timezone") or "UTC"),
        )

    # --- the schedule ----------------------------------------------------------------------------------

    def first_run(self, now: dt.datetime) -> dt.datetime:
        """The first allowed run time at or after ``now`` (UTC)."""
        zone = _zone(self.tz)
        local = now.astimezone(zone)
        if self.date_formula is not None and self.starting_time is not None:
            start = _local(local.date(), _parse_time("at", self.starting_time), zone)
            if start < now:
                return self.next_run(start, now)
            return start.astimezone(UTC)
        return self._align(local, zone).astimezone(UTC)

    def next_run(self, scheduled: dt.datetime, now: dt.datetime) -> dt.datetime:
        """The run after the one scheduled at ``scheduled``, later than ``now`` (both aware; UTC out)."""
        zone = _zone(self.tz)
        candidate = scheduled
        for _ in range(MAX_SEARCH_DAYS * 24 * 60):
            candidate = self._step(candidate, zone)
            if candidate > now:
                return candidate.astimezone(UTC)
            if self.every_minutes is not None and self.date_formula is None:
                # skip missed slots in one move, staying on the grid
                gap = (now - candidate).total_seconds() // (self.every_minutes * 60)
                candidate += dt.timedelta(minutes=self.every_minutes * int(gap))
        raise ConfigError("recurrence", f"{self}: no run time found within {MAX_SEARCH_DAYS} days")

    def _step(self, scheduled: dt.datetime, zone: ZoneInfo) -> dt.datetime:
        local = scheduled.astimezone(zone)
        if self.date_formula is not None:
            day = DateFormula.parse(self.date_formula).apply(local.date())
            at = _parse_time("at", self.starting_time) or local.time().replace(tzinfo=None)
            return _local(day, at, zone)
        if self.every_minutes is not None:
            nxt = (scheduled.astimezone(UTC) + dt.timedelta(minutes=self.every_minutes)).astimezone(zone)
            return self._align(nxt, zone)
        at = _parse_time("at", self.starting_time) or local.time().replace(tzinfo=None)
        return self._align(_local(local.date() + dt.timedelta(days=1), at, zone), zone)

    def _allowed(self, local: dt.datetime) -> bool:
        start = _parse_time("between", self.starting_time)
        end = _parse_time("between", self.ending_time)
        t = local.time().replace(tzinfo=None)
        day = local.date()
        if start is not None and end is not None and start > end:
            if t >= start:
                inside = True
            elif t < end:
                inside, day = True, day - dt.timedelta(days=1)
            else:
                inside = False
        elif start is not None and end is not None:
            inside = start <= t < end
        elif start is not None and self.every_minutes is not None:
            inside = t >= start
        else:
            inside = True
        return inside and self._day_allowed(day)

    def _day_allowed(self, day: dt.date) -> bool:
        return self.weekdays is None or self.weekdays[day.weekday()] == "1"

    def _align(self, local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
        """``local`` if it is allowed, else the next window start on an allowed day."""
        if self._allowed(local):
            return local
        start = _parse_time("between", self.starting_time) or dt.time(0, 0)
        for offset in range(MAX_SEARCH_DAYS):
            day = local.date() + dt.timedelta(days=offset)
            candidate = _local(day, start, zone)
            if candidate >= local and self._day_allowed(day):
                return candidate
        raise ConfigError("recurrence", f"{self}: no allowed day within {MAX_SEARCH_DAYS} days")

    def __str__(self) -> str:
        parts: list[str] = []
        if self.date_formula:
            parts.append(f"on {self.date_formula}")
            if self.at:
                parts.append(f"at {self.at}")
        elif self.every_minutes:
            parts.append(f"every {self.every_minutes} min")
        else:
            parts.append("daily" + (f" at {self.at}" if self.at else ""))
        if self.weekdays and self.weekdays != "1111111":
            parts.append(format_weekdays(self.weekdays))
        if self.between:
            parts.append(f"{self.between[0]}-{self.between[1]}")
        elif self.at and self.every_minutes:
            parts.append(f"from {self.at}")
        parts.append(self.tz)
        return " ".join(parts)


def _local(day: dt.date, at: dt.time | None, zone: ZoneInfo) -> dt.datetime:
    """A local wall-clock time; a time inside a spring-forward gap moves forward by the gap."""
    naive = dt.datetime.combine(day, at or dt.time(0, 0))
    aware = naive.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != naive:
        return round_trip  # in a gap: the instant fold=0 names, shown in the later offset
    return aware
