"""A shop's webhook subscriptions: register the order topics at an address, list them, delete them.

    from shopops.webhooks import subscriptions
    result = subscriptions.register(ws, "DEMO", "https://erp.example.com/hooks")
    result.summary()                       # "created 6, updated 0, unchanged 0"
    subscriptions.subscriptions(ws, "DEMO") # a DataFrame: id, topic, address, format, created_at, updated_at
    subscriptions.delete(ws, "DEMO")        # ours, at any address

``register`` is idempotent: it reads what the shop has first (``webhookSubscriptions``, page by page) and
sends a mutation only for a topic that is not yet at the address, so a second register sends none. A topic
subscribed at another address is moved there (``webhookSubscriptionUpdate``), not subscribed twice: the
Admin API shows an app only its own subscriptions, so a subscription of these topics elsewhere is an older
address of this app's receiver. Any further ones of the topic at yet other addresses are left alone and
reported (``others``); ``delete(address=...)`` removes them.

Each call keeps the shop card's Webhooks group in step: register sets ``webhook_address``,
``webhook_topics`` (REST names, comma-separated) and ``shop_domain``; list refreshes the topics found at
the card's address and the domain; delete clears address and topics when it removed the card's address.

The address must be https (Shopify accepts nothing else), or plain http to a loopback host (the sandbox and
a receiver under test); it is checked before anything is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pandas as pd

from shopops.errors import ConfigError
from shopops.shopify import operations
from shopops.shopify.classify import find_user_errors
from shopops.shopify.errors import UserError
from shopops.shopify.paging import iter_pages
from shopops.shops import Shop, is_loopback
from shopops.sync.clients import client_for

if TYPE_CHECKING:
    from shopops.workspace import Workspace

#: The topics shopops subscribes: REST name (as X-Shopify-Topic names it) -> the GraphQL enum value.
TOPICS: dict[str, str] = {
    "orders/create": "ORDERS_CREATE",
    "orders/updated": "ORDERS_UPDATED",
    "orders/edited": "ORDERS_EDITED",
    "orders/cancelled": "ORDERS_CANCELLED",
    "refunds/create": "REFUNDS_CREATE",
    "app/uninstalled": "APP_UNINSTALLED",
}
#: The access scope each topic needs beyond the subscription itself (which needs none).
TOPIC_SCOPES: dict[str, str] = {topic: "read_orders" for topic in TOPICS if topic != "app/uninstalled"}
#: Subscriptions read per page.
PAGE_SIZE = 100
#: Columns of ``subscriptions()``.
COLUMNS = ["id", "topic", "address", "format", "ours", "created_at", "updated_at"]


def rest_topic(enum_value: str) -> str:
    """The REST name of a GraphQL topic (``ORDERS_CREATE`` -> ``orders/create``)."""
    return enum_value.lower().replace("_", "/", 1)


def check_address(address: str) -> str:
    """The address, trimmed; https, or plain http to a loopback host. One ConfigError naming the fix else."""
    text = address.strip() if isinstance(address, str) else ""
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a port that is not a number raises here, not at Shopify
    except ValueError:
        raise ConfigError("address", "that is not a URL; use https://<your receiver>/<path>") from None
    if parts.username or parts.password:  # checked first: no message below may repeat such an address
        raise ConfigError(
            "address",
            "the address must not carry a user or password (Shopify would store and show it); the receiver "
            "checks each delivery's HMAC signature instead",
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError("address", f"{address!r} is not a webhook address; use https://<your receiver>/<path>")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(
            "address", f"{text!r}: Shopify delivers only to https; plain http is allowed to a loopback host only"
        )
    return text


@dataclass(frozen=True)
class Subscription:
    """One webhook subscription as the Admin API shows it (``topic`` as its REST name)."""

    id: str
    topic: str
    address: str
    format: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class RegisterResult:
    """What ``register`` did, topic by topic (REST names), and how many API requests it made."""

    shop: str
    address: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    others: list[Subscription] = field(default_factory=list)
    requests: int = 0

    def summary(self) -> str:
        """One line: ``created 6, updated 0, unchanged 0``."""
        return f"created {len(self.created)}, updated {len(self.updated)}, unchanged {len(self.unchanged)}"


@dataclass(frozen=True)
class DeleteResult:
    """The subscriptions ``delete`` removed, and how many API requests it made."""

    shop: str
    address: str | None
    deleted: list[Subscription] = field(default_factory=list)
    requests: int = 0

    def summary(self) -> str:
        """One line: ``deleted 6``."""
        return f"deleted {len(self.deleted)}"


class _Session:
    """One shop's client for one command: reads the subscriptions, sends the mutations, turns a refusal
    into one ConfigError that names the fix."""

    def __init__(self, shop: Shop) -> None:
        self.shop = shop
        self.client = client_for(shop)
        self.domain = ""

    def close(self) -> None:
        self.client.close()

    @property
    def requests(self) -> int:
        return int(self.client.stats.calls)

    def read(self, topics: Iterable[str] | None) -> list[Subscription]:
        """Every subscription of ``topics`` (REST names; None: all), oldest first; notes the shop's domain."""
        variables: dict[str, Any] = {"first": PAGE_SIZE}
        if topics is not None:
            variables["topics"] = [TOPICS[t] for t in topics]

        def execute(document: str, values: Mapping[str, Any]) -> Any:
            data = self.client.execute(document, values)
            self.domain = str((data.get("shop") or {}).get("myshopifyDomain") or self.domain)
            return data

        found = []
        document = operations.load("WebhookSubscriptions")
        for page in iter_pages(execute, document, variables, path=("webhookSubscriptions",)):
            for node in page.nodes:
                found.append(
                    Subscription(
                        id=node["id"],
                        topic=rest_topic(node["topic"]),
                        address=node["uri"],
                        format=node.get("format"),
                        created_at=node.get("createdAt"),
                        updated_at=node.get("updatedAt"),
                    )
                )
        return found

    def mutate(self, name: str, variables: Mapping[str, Any], topic: str, done: str, gone_ok: bool = False) -> None:
        """Send mutation ``name``; its userErrors become one ConfigError (``done`` says what went before).
        With ``gone_ok`` a subscription that no longer exists is no error (a delete finds it done)."""
        data = self.client.execute(operations.load(name), variables, user_errors="return")
        problems = find_user_errors(data)
        if problems and not (gone_ok and "does not exist" in problems[0].message):
            raise self._refusal(problems[0], topic, done)

    def _refusal(self, problem: UserError, topic: str, done: str) -> ConfigError:
        code, where = self.shop.code, ".".join(problem.field or ())
        before = f" ({done} before it)" if done else ""
        if where == "topic" or "permission" in problem.message.lower():
            scope = TOPIC_SCOPES.get(topic, "the topic's read scope")
            source = f"${self.shop.token_env}" if self.shop.token_env else "the secrets file"
            return ConfigError(
                "scopes",
                f"shop {code}: Shopify refused the {topic} subscription{before}: {problem.message} Grant the app "
                f"the {scope} access scope, reinstall it, and put the new token in {source}; then register again.",
            )
        if where.endswith(("uri", "callbackUrl")):
            return ConfigError(
                "address",
                f"shop {code}: Shopify refused the address for {topic}{before}: {problem.message}. "
                "Give another address, or see `shopops webhooks list` for what is there already.",
            )
        return ConfigError(
            "webhooks",
            f"shop {code}: Shopify refused {topic}{before}: {problem.message} (field {where or '-'}). "
            "Run `shopops webhooks list` to see the shop's subscriptions, then register again.",
        )


def _open(ws: Workspace, shop_code: str) -> _Session:
    return _Session(ws.shops[shop_code])


def _update_card(ws: Workspace, shop: Shop, changes: Mapping[str, Any]) -> None:
    """Write the card's changed values; nothing when none differs (a second register changes nothing)."""
    changed = {name: value for name, value in changes.items() if getattr(shop.settings, name) != value}
    if changed:
        ws.shops.set(shop.code, **changed)


def _progress(created: list[str], updated: list[str]) -> str:
    parts = [f"{label} {', '.join(topics)}" for label, topics in (("created", created), ("moved", updated)) if topics]
    return "; ".join(parts)


def register(ws: Workspace, shop_code: str, address: str) -> RegisterResult:
    """Subscribe the six ``TOPICS`` at ``address``: create the missing ones, move ones at another address,
    leave the ones already there. A second call with the same address sends no mutation."""
    address = check_address(address)
    session = _open(ws, shop_code)
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    others: list[Subscription] = []
    try:
        existing = session.read(TOPICS)
        # the topics that need a read scope go first: a token without it is refused before anything is made
        for topic in sorted(TOPICS, key=lambda t: t not in TOPIC_SCOPES):
            mine = [s for s in existing if s.topic == topic]
            if any(s.address == address for s in mine):
                unchanged.append(topic)
                others.extend(s for s in mine if s.address != address)
                continue
            done = _progress(created, updated)
            subscription = {"uri": address}
            if mine:
                session.mutate(
                    "WebhookSubscriptionUpdate", {"id": mine[0].id, "subscription": subscription}, topic, done
                )
                updated.append(topic)
                others.extend(mine[1:])
            else:
                create = {"topic": TOPICS[topic], "subscription": {**subscription, "format": "JSON"}}
                session.mutate("WebhookSubscriptionCreate", create, topic, done)
                created.append(topic)
    finally:
        session.close()
    changes: dict[str, Any] = {"webhook_address": address, "webhook_topics": ",".join(TOPICS)}
    if session.domain:
        changes["shop_domain"] = session.domain
    _update_card(ws, session.shop, changes)
    order = list(TOPICS)
    return RegisterResult(
        shop=shop_code,
        address=address,
        created=sorted(created, key=order.index),
        updated=sorted(updated, key=order.index),
        unchanged=sorted(unchanged, key=order.index),
        others=others,
        requests=session.requests,
    )


def subscriptions(ws: Workspace, shop_code: str) -> pd.DataFrame:
    """Every webhook subscription of the shop's app, oldest first (``ours``: one of the six topics).

    The card's topics are refreshed to the ones found at its address, and its shop domain to Shopify's."""
    session = _open(ws, shop_code)
    try:
        found = session.read(None)
    finally:
        session.close()
    card = session.shop.settings
    changes: dict[str, Any] = {}
    if card.webhook_address:
        at_address = {s.topic for s in found if s.address == card.webhook_address}
        changes["webhook_topics"] = ",".join(t for t in TOPICS if t in at_address)
    if session.domain:
        changes["shop_domain"] = session.domain
    _update_card(ws, session.shop, changes)
    rows = [
        {
            "id": s.id,
            "topic": s.topic,
            "address": s.address,
            "format": s.format,
            "ours": s.topic in TOPICS,
            "created_at": s.created_at,
            "updated_at": s.updated_at,
        }
        for s in found
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("created_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def delete(ws: Workspace, shop_code: str, address: str | None = None) -> DeleteResult:
    """Delete the subscriptions of the six ``TOPICS``: at ``address``, or at any address when none is given.
    The card's address and topics are cleared when its address was among those removed."""
    if address is not None:
        address = check_address(address)
    session = _open(ws, shop_code)
    deleted: list[Subscription] = []
    try:
        for sub in session.read(TOPICS):
            if address is not None and sub.address != address:
                continue
            done = f"deleted {len(deleted)}" if deleted else ""
            # one gone already (deleted meanwhile, or dropped after failed deliveries) counts as deleted
            session.mutate("WebhookSubscriptionDelete", {"id": sub.id}, sub.topic, done, gone_ok=True)
            deleted.append(sub)
    finally:
        session.close()
    card_address = session.shop.settings.webhook_address
    if card_address and (address is None or address == card_address):
        _update_card(ws, session.shop, {"webhook_address": "", "webhook_topics": ""})
    return DeleteResult(shop=shop_code, address=address, deleted=deleted, requests=session.requests)
