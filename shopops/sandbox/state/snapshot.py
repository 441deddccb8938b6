"""JSON snapshots: every shop of a sandbox (data, sequences, tokens, plan) in one file.

A rehearsal shop survives a restart: ``Sandbox(snapshot="rehearsal.json")`` loads the file when it
exists and writes it back on ``close()``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any, Protocol

from shopops.sandbox.engine.auth import Token
from shopops.sandbox.engine.throttle import Plan
from shopops.sandbox.state.store import ShopInfo, ShopState


class SavedShop(Protocol):
    """What a snapshot keeps of one shop of a Sandbox (``ShopHandle``)."""

    state: ShopState
    plan: Plan
    tokens: list[str]

    def add_token(self, scopes: Iterable[str] | None = None, value: str | None = None) -> str: ...


class Sandbox(Protocol):
    """What a snapshot needs of a ``Sandbox``: its shops and tokens, and a way to add a shop back; a
    protocol, so that the Sandbox that loads and saves snapshots and this module do not import each other."""

    @property
    def shops(self) -> Mapping[str, SavedShop]: ...

    @property
    def tokens(self) -> Mapping[str, Token]: ...

    def add_shop(
        self,
        handle: str,
        seed: str | dict[str, int] | None = "tiny",
        plan: Plan | str = "standard",
        token: str | None = None,
        scopes: Iterable[str] | None = None,
        *,
        state: ShopState | None = None,
    ) -> SavedShop: ...


FORMAT = 1


def _shop_dict(state: ShopState) -> dict[str, Any]:
    with state.lock:
        return {
            "info": asdict(state.info),
            "tables": {name: list(rows.values()) for name, rows in state.tables.items()},
            "sequences": dict(state.sequences),
            "uploads": {k: v.decode("latin-1") for k, v in state.uploads.items()},
            "bulk_results": {str(k): v.decode("utf-8") for k, v in state.bulk_results.items()},
            "last_stamp": state.now(),
        }


def save(sandbox: Sandbox, path: Path) -> None:
    """Write all shops of ``sandbox`` to ``path`` (atomically, via a temporary file)."""
    payload = {"format": FORMAT, "shops": {}}
    for handle, shop in sandbox.shops.items():
        entry = _shop_dict(shop.state)
        entry["plan"] = asdict(shop.plan)
        entry["tokens"] = [{"value": t, "scopes": sorted(sandbox.tokens[t].scopes)} for t in shop.tokens]
        payload["shops"][handle] = entry  # type: ignore[index]
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, separators=(",", ":"), default=str), encoding="utf-8")
    os.replace(tmp, path)


def load(sandbox: Sandbox, path: Path) -> None:
    """Recreate the shops saved in ``path`` inside ``sandbox``."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    for handle, entry in payload["shops"].items():
        state = ShopState(ShopInfo(**entry["info"]))
        for name, rows in entry["tables"].items():
            table = state.tables.setdefault(name, {})
            for row in rows:
                table[int(row["id"].rsplit("/", 1)[1].split("?")[0])] = row
        state.sequences.update(entry["sequences"])
        state.uploads = {k: v.encode("latin-1") for k, v in entry.get("uploads", {}).items()}
        state.bulk_results = {int(k): v.encode("utf-8") for k, v in entry.get("bulk_results", {}).items()}
        state.observe_stamp(entry["last_stamp"])
        tokens = entry.get("tokens") or []
        plan = Plan(**entry["plan"])
        shop = sandbox.add_shop(
            handle,
            seed=None,
            plan=plan,
            state=state,
            token=tokens[0]["value"] if tokens else None,
            scopes=tokens[0]["scopes"] if tokens else None,
        )
        for extra in tokens[1:]:
            shop.add_token(extra["scopes"], extra["value"])
