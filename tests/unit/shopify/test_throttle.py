"""The pacer's arithmetic, on a fake clock."""

from __future__ import annotations

from shopops.shopify.throttle import CostInfo, ThrottlePacer, ThrottleStatus, parse_cost


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now += s


def status(av: float, mx: float = 2000, rate: float = 100) -> CostInfo:
    return CostInfo(None, None, ThrottleStatus(mx, av, rate))


def test_parse_cost_accepts_ints_and_floats() -> None:
    c = parse_cost(
        {
            "extensions": {
                "cost": {
                    "requestedQueryCost": 101,
                    "actualQueryCost": 46.0,
                    "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 1954, "restoreRate": 100},
                }
            }
        }
    )
    assert c == CostInfo(101.0, 46.0, ThrottleStatus(2000.0, 1954.0, 100.0))
    assert parse_cost({}) == CostInfo(None, None, None)
    assert parse_cost({"extensions": {"cost": {"requestedQueryCost": 3, "actualQueryCost": None}}}).actual is None


def test_no_wait_before_anything_is_known() -> None:
    clk = FakeClock()
    p = ThrottlePacer(clock=clk, sleep=clk.sleep, margin=0)
    assert p.acquire("doc") == 0 and clk.slept == []


def test_waits_for_the_missing_points_at_restore_rate() -> None:
    clk = FakeClock()
    p = ThrottlePacer(clock=clk, sleep=clk.sleep, margin=0)
    p.update("doc", CostInfo(500, 480, ThrottleStatus(2000, 200, 100)))
    # expected 500, have 200: wait 3 s
    assert p.wait_needed(500) == 3.0
    assert p.acquire("doc") == 3.0
    # after the reservation the estimate is empty: the next identical call waits 5 s more
    assert p.acquire("doc") == 5.0
    assert clk.slept == [3.0, 5.0]


def test_refill_over_time_removes_the_wait() -> None:
    clk = FakeClock()
    p = ThrottlePacer(clock=clk, sleep=clk.sleep, margin=0)
    p.update("doc", CostInfo(300, 300, ThrottleStatus(2000, 0, 100)))
    clk.now += 2.0
    assert p.estimate() == 200
    assert p.wait_needed(300) == 1.0
    clk.now += 100
    assert p.estimate() == 2000  # capped at maximum


def test_cost_over_bucket_size_waits_for_a_full_bucket_only() -> None:
    clk = FakeClock()
    p = ThrottlePacer(clock=clk, sleep=clk.sleep, margin=0)
    p.update("x", status(0, mx=50, rate=10))
    assert p.wait_needed(80) == 5.0


def test_long_run_paces_to_restore_rate() -> None:
    """Simulate a server bucket: the pacer never lets it go negative, and spends ~restore rate."""
    clk = FakeClock()
    p = ThrottlePacer(clock=clk, sleep=clk.sleep)
    mx, rate, cost = 2000.0, 100.0, 250.0
    level, stamp, throttled = mx, clk.now, 0
    start = clk.now
    for _ in range(400):
        p.acquire("page")
        level = min(mx, level + (clk.now - stamp) * rate)
        stamp = clk.now
        if level < cost:
            throttled += 1
        else:
            level -= cost
        clk.now += 0.05  # request latency
        level = min(mx, level + 0.05 * rate)
        stamp = clk.now
        p.update("page", CostInfo(cost, cost, ThrottleStatus(mx, level, rate)))
    spent = 400 * cost - mx  # less the initial full bucket
    assert throttled == 0
    assert spent / ((clk.now - start) * rate) > 0.95
