"""``python -m shopops.sandbox --port 8080 --plan standard --seed small [--bulk-timing 1,1000]``: serve until
Ctrl-C."""

from __future__ import annotations

import argparse

from shopops.sandbox.app import serve
from shopops.sandbox.engine.throttle import PLANS
from shopops.sandbox.state.seed import SIZES


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve."""
    parser = argparse.ArgumentParser(prog="python -m shopops.sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--plan", choices=sorted(PLANS), default="standard")
    parser.add_argument("--seed", choices=sorted(SIZES), default="small")
    parser.add_argument("--snapshot", default=None, help="JSON file loaded at start, written at exit")
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument("--handle", default="demo")
    parser.add_argument(
        "--bulk-timing",
        default=None,
        help="bulk query pace: shopify, instant or DELAY_S,OBJECTS_PER_S (default: $SHOPOPS_SANDBOX_BULK_TIMING "
        "or shopify)",
    )
    args = parser.parse_args(argv)
    serve(
        port=args.port,
        plan=args.plan,
        seed=args.seed,
        snapshot=args.snapshot,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        handle=args.handle,
        bulk_timing=args.bulk_timing,
    )


if __name__ == "__main__":
    main()
