"""Recurrence with fixed clocks: windows, weekdays, DST in Copenhagen and New York, date formulas."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from shopops.errors import ConfigError
from shopops.queue.recurrence import Recurrence, format_weekdays, parse_weekdays

UTC = dt.UTC
CPH = ZoneInfo("Europe/Copenhagen")
NY = ZoneInfo("America/New_York")


def local(zone: ZoneInfo, *args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)  # type: ignore[misc]


def run_times(rec: Recurrence, first: dt.datetime, n: int) -> list[dt.datetime]:
    times = [first]
    for _ in range(n - 1):
        times.append(rec.next_run(times[-1], times[-1]))
    return times


def test_every_15_minutes_inside_a_weekday_window() -> None:
    rec = Recurrence(every_minutes=15, weekdays="Mon-Fri", between=("06:00", "22:00"), tz="Europe/Copenhagen")
    friday_late = local(CPH, 2026, 11, 27, 21, 45)
    nxt = rec.next_run(friday_late, friday_late)
    assert nxt == local(CPH, 2026, 11, 30, 6, 0)  # the window closes at 22:00: Monday 06:00
    assert rec.next_run(nxt, nxt) == local(CPH, 2026, 11, 30, 6, 15)
    assert str(rec) == "every 15 min Mon-Fri 06:00-22:00 Europe/Copenhagen"


def test_next_run_is_anchored_on_the_schedule_not_the_end_of_the_run() -> None:
    rec = Recurrence(every_minutes=10)
    scheduled = dt.datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    ended_late = scheduled + dt.timedelta(minutes=3, seconds=20)
    assert rec.next_run(scheduled, ended_late) == dt.datetime(2026, 1, 5, 12, 10, tzinfo=UTC)


def test_missed_runs_are_skipped_on_the_grid() -> None:
    rec = Recurrence(every_minutes=10)
    scheduled = dt.datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    now = dt.datetime(2026, 1, 5, 14, 33, tzinfo=UTC)
    assert rec.next_run(scheduled, now) == dt.datetime(2026, 1, 5, 14, 40, tzinfo=UTC)


def test_window_across_midnight_belongs_to_the_day_it_opened() -> None:
    rec = Recurrence(every_minutes=60, weekdays="Fri", between=("22:00", "02:00"), tz="UTC")
    times = run_times(rec, dt.datetime(2026, 11, 27, 22, 0, tzinfo=UTC), 6)
    assert [t.strftime("%a %H:%M") for t in times] == [
        "Fri 22:00",
        "Fri 23:00",
        "Sat 00:00",
        "Sat 01:00",
        "Fri 22:00",
        "Fri 23:00",
    ]
    assert times[4].date() == dt.date(2026, 12, 4)


def test_first_run_waits_for_the_window() -> None:
    rec = Recurrence(every_minutes=5, between=("08:00", "17:00"), tz="America/New_York")
    assert rec.first_run(local(NY, 2026, 6, 1, 7, 12)) == local(NY, 2026, 6, 1, 8, 0)
    inside = local(NY, 2026, 6, 1, 9, 7)
    assert rec.first_run(inside) == inside
    assert rec.first_run(local(NY, 2026, 6, 1, 17, 0)) == local(NY, 2026, 6, 2, 8, 0)


def test_daily_at_keeps_wall_clock_across_dst_copenhagen() -> None:
    rec = Recurrence(at="06:00", tz="Europe/Copenhagen")
    times = run_times(rec, local(CPH, 2026, 3, 27, 6, 0), 4)  # DST starts Sunday 29 March
    assert [t.astimezone(CPH).strftime("%d %H:%M") for t in times] == ["27 06:00", "28 06:00", "29 06:00", "30 06:00"]
    assert times[2] - times[1] == dt.timedelta(hours=23)
    autumn = run_times(rec, local(CPH, 2026, 10, 24, 6, 0), 3)  # DST ends Sunday 25 October
    assert autumn[1] - autumn[0] == dt.timedelta(hours=25)


def test_nonexistent_local_time_moves_forward_by_the_gap() -> None:
    rec = Recurrence(at="02:30", tz="Europe/Copenhagen")
    day_before = local(CPH, 2026, 3, 28, 2, 30)
    in_gap = rec.next_run(day_before, day_before)
    assert in_gap.astimezone(CPH).strftime("%H:%M %Z") == "03:30 CEST"
    assert rec.next_run(in_gap, in_gap).astimezone(CPH).strftime("%d %H:%M") == "30 02:30"


def test_ambiguous_local_time_runs_once_at_its_first_occurrence() -> None:
    rec = Recurrence(at="01:30", tz="America/New_York")  # DST ends 1 November 2026 at 02:00 -> 01:00
    before = local(NY, 2026, 10, 31, 1, 30)
    nxt = rec.next_run(before, before)
    assert nxt == dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first one
    after = rec.next_run(nxt, nxt + dt.timedelta(hours=1, minutes=5))  # past 01:30 EST too
    assert after.astimezone(NY).strftime("%m-%d %H:%M") == "11-02 01:30"


def test_minute_intervals_are_real_minutes_through_dst_new_york() -> None:
    rec = Recurrence(every_minutes=30, tz="America/New_York")
    start = dt.datetime(2026, 3, 8, 6, 30, tzinfo=UTC)  # 01:30 EST, spring forward at 02:00
    times = run_times(rec, start, 3)
    assert [t.astimezone(NY).strftime("%H:%M") for t in times] == ["01:30", "03:00", "03:30"]
    assert all(b - a == dt.timedelta(minutes=30) for a, b in itertools.pairwise(times))


def test_window_start_in_dst_gap_shifts_forward() -> None:
    rec = Recurrence(every_minutes=60, between=("02:30", "05:00"), tz="Europe/Copenhagen")
    evening = local(CPH, 2026, 3, 28, 4, 30)
    nxt = rec.next_run(evening, evening)
    assert nxt.astimezone(CPH).strftime("%d %H:%M") == "29 03:30"


@pytest.mark.parametrize(
    ("formula", "at", "tz", "start", "expected"),
    [
        ("<1D>", "02:00", "Europe/Copenhagen", (2026, 3, 28, 2, 0), (2026, 3, 29, 3, 0)),  # 02:00 does not exist
        ("<1W>", "07:00", "America/New_York", (2026, 10, 26, 7, 0), (2026, 11, 2, 7, 0)),
        ("<CM+1D>", "01:00", "Europe/Copenhagen", (2026, 1, 1, 1, 0), (2026, 2, 1, 1, 0)),
        ("<1M>", "00:30", "UTC", (2026, 1, 31, 0, 30), (2026, 2, 28, 0, 30)),
        ("<1Q>", "03:00", "UTC", (2026, 1, 15, 3, 0), (2026, 4, 15, 3, 0)),
        ("<1Y>", "03:00", "UTC", (2026, 1, 15, 3, 0), (2027, 1, 15, 3, 0)),
        ("<CW+1D>", "05:00", "UTC", (2026, 11, 25, 5, 0), (2026, 11, 30, 5, 0)),
    ],
)
def test_date_formula_runs(formula: str, at: str, tz: str, start: tuple[int, ...], expected: tuple[int, ...]) -> None:
    zone = ZoneInfo(tz)
    rec = Recurrence(date_formula=formula, at=at, tz=tz)
    first = local(zone, *start)
    assert rec.next_run(first, first) == local(zone, *expected)


def test_date_formula_first_run_today_or_next() -> None:
    rec = Recurrence(date_formula="<1D>", at="02:00", tz="UTC")
    assert rec.first_run(dt.datetime(2026, 5, 5, 1, 0, tzinfo=UTC)) == dt.datetime(2026, 5, 5, 2, 0, tzinfo=UTC)
    assert rec.first_run(dt.datetime(2026, 5, 5, 3, 0, tzinfo=UTC)) == dt.datetime(2026, 5, 6, 2, 0, tzinfo=UTC)


def test_daily_weekdays_only() -> None:
    rec = Recurrence(weekdays="Mon,Wed,Fri", at="09:00", tz="UTC")
    times = run_times(rec, dt.datetime(2026, 11, 23, 9, 0, tzinfo=UTC), 4)
    assert [t.strftime("%a") for t in times] == ["Mon", "Wed", "Fri", "Mon"]


def test_stored_columns_round_trip() -> None:
    rec = Recurrence(every_minutes=15, weekdays="Mon-Fri", between=("06:00", "22:00"), tz="Europe/Copenhagen")
    assert Recurrence.from_columns(rec.columns()) == rec
    assert Recurrence.from_columns({"recurring": False}) is None


def test_weekday_specs() -> None:
    assert parse_weekdays("Mon-Fri") == "1111100"
    assert parse_weekdays("sat-sun") == "0000011"
    assert parse_weekdays("Fri-Mon") == "1000111"
    assert parse_weekdays(["Tue", "Thu"]) == "0101000"
    assert format_weekdays("1111100") == "Mon-Fri"
    assert format_weekdays("1010100") == "Mon,Wed,Fri"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"every_minutes": 0}, "every_minutes"),
        ({"every_minutes": True}, "every_minutes"),
        ({"weekdays": "Funday"}, "weekdays"),
        ({"between": ("25:00", "06:00")}, "between"),
        ({"between": ("06:00", "06:00")}, "between"),
        ({"tz": "Mars/Olympus"}, "tz"),
        ({"date_formula": "<CM>"}, "date_formula"),
        ({"date_formula": "<1D>", "every_minutes": 5}, "date_formula"),
        ({"at": "7am"}, "at"),
    ],
)
def test_bad_recurrence_names_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError) as err:
        Recurrence(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field
