"""Schedule files: the example declares the demo's schedule, an entry with a shop gets the shop card's
category, `--prune` removes what the file no longer declares, and a bad value names its entry."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import shopops
from shopops import demo

EXAMPLE = Path(__file__).resolve().parents[2] / "schedule.example.toml"


def sh(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shopops", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "schedule.db"
    with shopops.open(str(path)) as ws:
        ws.shops.add(demo.SHOP, url="https://demo.myshopify.com", token_env="DEMO_TOKEN")
        ws.shops.add("NIGHT", url="https://night.myshopify.com", token_env="NIGHT_TOKEN", category="NIGHTLY")
    return path


def _definition(entry: shopops.JobEntry) -> tuple[object, ...]:
    return (
        entry.report,
        entry.shop,
        entry.category,
        str(entry.recurrence),
        entry.max_attempts,
        entry.rerun_delay_s,
        entry.status.value,
        entry.description,
    )


def test_the_example_declares_the_demos_schedule(db: Path) -> None:
    applied = sh(db, "schedule", "apply", str(EXAMPLE))
    assert applied.returncode == 0, applied.stderr
    with shopops.open(str(db)) as ws:
        from_file = sorted(_definition(ws.queue.get(int(i))) for i in ws.queue.entries().id)
        demo_entries = [ws.queue.enqueue(e.pop("report"), **e) for e in demo.schedule(ws)]
        from_demo = sorted(_definition(e) for e in demo_entries)
    assert from_file == from_demo
    assert len(from_file) == len(demo.PIPELINE) + 1
    assert f"{len(from_file)} created, 0 updated, 0 unchanged" in applied.stdout
    again = sh(db, "schedule", "apply", str(EXAMPLE))
    assert f"0 created, 0 updated, {len(from_file)} unchanged" in again.stdout


def test_an_entry_with_a_shop_and_no_category_gets_the_shop_cards(db: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(
        textwrap.dedent(
            """
            [[entry]]
            key = "demo-orders"
            report = "sync-orders"
            shop = "DEMO"
            every_minutes = 15

            [[entry]]
            key = "night-orders"
            report = "sync-orders"
            shop = "NIGHT"
            every_minutes = 60

            [[entry]]
            key = "night-orders-free"
            report = "sync-orders"
            shop = "NIGHT"
            category = ""
            every_minutes = 60

            [[entry]]
            key = "self-test"
            report = "noop"
            at = "02:00"
            """
        )
    )
    assert "4 created" in sh(db, "schedule", "apply", str(plan)).stdout
    with shopops.open(str(db)) as ws:
        categories = [ws.queue.get(int(i)).category for i in ws.queue.entries().id]
    assert categories == ["SHOPIFY", "NIGHTLY", None, None]
    listing = sh(db, "queue", "list").stdout
    assert "NIGHTLY" in listing and "SHOPIFY" in listing


def test_prune_removes_what_the_file_no_longer_declares(db: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    two = '[[entry]]\nkey = "a"\nreport = "noop"\nat = "01:00"\n\n[[entry]]\nkey = "b"\nreport = "noop"\nat = "03:00"\n'
    plan.write_text(two)
    assert "2 created" in sh(db, "schedule", "apply", str(plan)).stdout
    assert sh(db, "run", "noop", "--background").returncode == 0  # made by hand: never pruned
    plan.write_text(two.split("\n\n")[0] + "\n")
    kept = sh(db, "schedule", "apply", str(plan))
    assert kept.stdout.strip() == "0 created, 0 updated, 1 unchanged"  # without --prune nothing goes
    pruned = sh(db, "schedule", "apply", str(plan), "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.strip() == "0 created, 0 updated, 1 unchanged, 1 removed"
    with shopops.open(str(db)) as ws:
        frame = ws.queue.entries()
        assert frame.description.tolist() == ["noop", "noop, started by hand"]


def test_prune_leaves_a_running_entry(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text('[[entry]]\nkey = "busy"\nreport = "noop"\nevery_minutes = 5\n')
    with shopops.open(str(tmp_path / "busy.db")) as ws:
        ws.apply_schedule(plan)
        with ws.engine.begin() as conn:  # due now
            conn.exec_driver_sql("UPDATE job_queue_entry SET earliest_start_at = '2000-01-01 00:00:00.000000'")
        ws.queue.store.register_worker("w", "host", 1, 1)
        assert ws.queue.store.claim("w") is not None
        plan.write_text('[[entry]]\nkey = "other"\nreport = "noop"\nevery_minutes = 5\n')
        result = ws.apply_schedule(plan, prune=True)
    assert result.removed == [] and result.kept_running == ["busy"]
    assert "1 not in the file but in process now (busy): prune again when they have finished" in str(result)


def test_a_bad_value_names_its_entry_and_key(db: Path, tmp_path: Path) -> None:
    plan = tmp_path / "bad.toml"
    plan.write_text(
        '[[entry]]\nkey = "ok"\nreport = "noop"\n\n[[entry]]\nkey = "x"\nreport = "noop"\nweekdays = "Mon-Fry"\n'
    )
    proc = sh(db, "schedule", "apply", str(plan))
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 1 and len(lines) == 1
    assert lines[0].startswith("error: bad.toml entry 2 ('x'): weekdays: 'Mon-Fry': use day names")
    plan.write_text('[[entry]]\nreport = "noop"\n')
    missing = sh(db, "schedule", "apply", str(plan))
    assert "entry 1.key: is required: a name of your choosing" in missing.stderr
    assert sh(db, "queue", "list").stdout.strip() == "(none)"  # nothing written
