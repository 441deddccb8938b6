"""``webhookSubscription(s)`` and the create/update/delete mutations, with Shopify's userErrors.

Subscriptions are records of the ``WebhookSubscription`` table (so ``node(id:)`` and snapshots see
them). The address comes from the input's ``uri`` (2026-07) or its older ``callbackUrl``; the sandbox
accepts http as well as https, since a test's receiver listens on plain loopback http.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from graphql import GraphQLResolveInfo

from shopops.sandbox.engine.errors import GraphQLFailure
from shopops.sandbox.resolvers.common import ResolverMap, connect, lookup, state_of, time_sort, user_error
from shopops.sandbox.state.store import Record, ShopState
from shopops.sandbox.webhooks.payloads import TABLE

#: The read scope a topic needs (Shopify asks no scope for the subscription itself, only the topic's).
TOPIC_SCOPES: dict[str, tuple[str, ...]] = {
    "ORDERS_CREATE": ("read_orders",),
    "ORDERS_UPDATED": ("read_orders",),
    "ORDERS_EDITED": ("read_orders",),
    "ORDERS_CANCELLED": ("read_orders",),
    "REFUNDS_CREATE": ("read_orders",),
}
_SORT_KEYS = {"CREATED_AT": time_sort("createdAt"), "ID": None}


def _address(data: dict[str, Any]) -> tuple[str | None, str]:
    """The address the input names and the input field it came from."""
    if data.get("uri") is not None:
        return str(data["uri"]), "uri"
    if data.get("callbackUrl") is not None:
        return str(data["callbackUrl"]), "callbackUrl"
    return None, "uri"


def _address_error(address: str | None, field: str) -> dict[str, Any] | None:
    path = ["webhookSubscription", field]
    if not address:
        return user_error("Address can't be blank", path)
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https"):
        scheme = parts.scheme or address.split(":", 1)[0]
        return user_error(f"Address protocol {scheme}:// is not supported", path)
    if not parts.hostname:
        return user_error("Address is invalid", path)
    return None


def _taken(state: ShopState, topic: str, address: str, other_than: str | None = None) -> bool:
    return any(
        s["topic"] == topic and s["uri"] == address and s["id"] != other_than for s in state.table(TABLE).values()
    )


def _apply(record: Record, data: dict[str, Any], address: str) -> None:
    record.update(
        uri=address,
        callbackUrl=address,
        endpoint={"__typename": "WebhookHttpEndpoint", "callbackUrl": address},
        format=data.get("format") or record.get("format") or "JSON",
        filter=data.get("filter", record.get("filter")),
        includeFields=data.get("includeFields") or record.get("includeFields") or [],
        metafieldNamespaces=data.get("metafieldNamespaces") or record.get("metafieldNamespaces") or [],
        name=data.get("name", record.get("name")),
    )


def _create(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    data, topic = args["webhookSubscription"], args["topic"]
    address, field = _address(data)
    token = info.context.get("token")
    needs = TOPIC_SCOPES.get(topic, ())
    if needs and token is not None and not token.allows(needs):
        rest = topic.lower().replace("_", "/", 1)
        refusal = user_error(f"You do not have permission to create or update webhooks with {rest} topic.", ["topic"])
        return {"webhookSubscription": None, "userErrors": [refusal]}
    with state.lock:
        error = _address_error(address, field)
        if error is None and address is not None and _taken(state, topic, address):
            error = user_error("Address for this topic has already been taken", ["webhookSubscription", field])
        if error is not None or address is None:
            return {"webhookSubscription": None, "userErrors": [error]}
        record: Record = {"topic": topic, "apiVersion": {"handle": state.webhooks.api_version, "supported": True}}
        _apply(record, data, address)
        record["metafields"] = []
        return {"webhookSubscription": state.insert(TABLE, record), "userErrors": []}


def _update(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    data = args["webhookSubscription"]
    with state.lock:
        record = state.get(args["id"], TABLE)
        if record is None:
            missing = user_error("Webhook subscription does not exist", ["id"])
            return {"webhookSubscription": None, "userErrors": [missing]}
        address, field = _address(data)
        address = address if address is not None else record["uri"]
        error = _address_error(address, field)
        if error is None and _taken(state, record["topic"], address, record["id"]):
            error = user_error("Address for this topic has already been taken", ["webhookSubscription", field])
        if error is not None:
            return {"webhookSubscription": None, "userErrors": [error]}
        _apply(record, data, address)
        state.touch(record)
        return {"webhookSubscription": record, "userErrors": []}


def _delete(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    with state.lock:
        if state.get(args["id"], TABLE) is None:
            return {
                "deletedWebhookSubscriptionId": None,
                "userErrors": [user_error("Webhook subscription does not exist", ["id"])],
            }
        state.delete(args["id"])
        return {"deletedWebhookSubscriptionId": args["id"], "userErrors": []}


def _subscriptions(_root: Any, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
    state = state_of(info)
    if args.get("query"):
        raise GraphQLFailure("The sandbox does not filter webhookSubscriptions by query:", "BAD_REQUEST")
    topics = set(args.get("topics") or ())
    address = args.get("uri") or args.get("callbackUrl")
    with state.lock:
        records = [
            s
            for s in state.table(TABLE).values()
            if (not topics or s["topic"] in topics)
            and (address is None or s["uri"] == address)
            and (args.get("format") is None or s["format"] == args["format"])
        ]
        return connect(info, records, args, _SORT_KEYS)


RESOLVERS: ResolverMap = {
    "QueryRoot": {"webhookSubscriptions": _subscriptions, "webhookSubscription": lookup(TABLE)},
    "Mutation": {
        "webhookSubscriptionCreate": _create,
        "webhookSubscriptionUpdate": _update,
        "webhookSubscriptionDelete": _delete,
    },
}
