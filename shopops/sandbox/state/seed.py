"""Deterministic, realistic seed data: from a tiny shop to 100k variants and 50k orders.

``seed_shop(state, "small")`` or ``seed_shop(state, {"products": 10, "variants": 30, ...})``. The same
name and RNG seed always give the same shop (ids, SKUs, amounts, timestamps): timestamps are laid out
before ``ANCHOR`` on a fixed clock, so later changes made through the API always come after them.

What is in it: several locations (one inactive), multi-variant products with options, SKUs (a few
missing), barcodes, images, stock at one to three locations; a gift card product; customers with and
without email or phone, with addresses in several countries; orders with discounts, shipping, taxes,
gift-card payments, tips, several presentment currencies, full and partial fulfilment, refunds,
cancellations and closed orders; Shopify Payments payouts, balance transactions and disputes.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from shopops.sandbox.resolvers import customers as cust
from shopops.sandbox.resolvers import products as prod
from shopops.sandbox.resolvers.payments import seed_payments
from shopops.sandbox.state.seed_orders import ANCHOR, COUNTRIES, later, seed_orders, stamp_before
from shopops.sandbox.state.store import Record, ShopState, iso

MAX_VARIANTS = 108
SIZES: dict[str, dict[str, int]] = {
    "empty": {"locations": 1, "products": 0, "variants": 0, "customers": 0, "orders": 0},
    "tiny": {"locations": 2, "products": 4, "variants": 10, "customers": 6, "orders": 10},
    "small": {"locations": 3, "products": 30, "variants": 120, "customers": 40, "orders": 150},
    "medium": {"locations": 3, "products": 1000, "variants": 5000, "customers": 2000, "orders": 5000},
    "large": {"locations": 4, "products": 25000, "variants": 100000, "customers": 20000, "orders": 50000},
}
LOCATIONS = [
    ("Main Warehouse", "US", "Springfield", "12345"),
    ("Copenhagen Store", "DK", "København", "1050"),
    ("Online Fulfilment Center", "DE", "Berlin", "10115"),
    ("London Pop-up", "GB", "London", "EC1A 1BB"),
    ("Returns Depot", "US", "Reno", "89501"),
]
ADJECTIVES = [
    "Classic",
    "Organic",
    "Vintage",
    "Urban",
    "Alpine",
    "Coastal",
    "Nordic",
    "Everyday",
    "Premium",
    "Recycled",
    "Merino",
    "Linen",
    "Canvas",
    "Trail",
    "Studio",
    "Heritage",
]
NOUNS = [
    "T-Shirt",
    "Hoodie",
    "Sneaker",
    "Backpack",
    "Mug",
    "Beanie",
    "Jacket",
    "Socks",
    "Scarf",
    "Cap",
    "Notebook",
    "Water Bottle",
    "Tote Bag",
    "Sweater",
    "Shorts",
    "Candle",
]
VENDORS = ["Acme Apparel", "Northwind", "Fjord & Co", "Blue Harbor", "Oak Street Goods"]
OPTIONS = {
    "Size": ["XS", "S", "M", "L", "XL", "XXL"],
    "Color": ["Black", "White", "Navy", "Red", "Olive", "Sand"],
    "Material": ["Cotton", "Wool", "Recycled Poly"],
}
FIRST = [
    "Anna",
    "Lars",
    "Maria",
    "John",
    "Sofie",
    "Ahmed",
    "Emma",
    "Noah",
    "Olivia",
    "Lukas",
    "Freja",
    "Mateo",
    "Chloé",
    "Søren",
    "Zoë",
    "Yuki",
]
LAST = [
    "Jensen",
    "Smith",
    "Müller",
    "García",
    "Nielsen",
    "Brown",
    "Rossi",
    "Kowalski",
    "Andersen",
    "Dubois",
    "O'Brien",
    "Tanaka",
]


def resolve_size(size: str | dict[str, int]) -> dict[str, int]:
    """Counts for a size name or a dict (missing keys default to the "tiny" counts)."""
    if isinstance(size, dict):
        return {**SIZES["tiny"], **size}
    try:
        return dict(SIZES[size])
    except KeyError:
        raise ValueError(f"unknown seed {size!r}; choose one of {', '.join(SIZES)} or pass a dict") from None


def seed_locations(state: ShopState, count: int) -> list[Record]:
    """Active locations (and, from four up, an inactive one)."""
    out = []
    for i in range(max(count, 1)):
        name, country, city, zip_ = LOCATIONS[i % len(LOCATIONS)]
        if i >= len(LOCATIONS):
            name = f"{name} {i // len(LOCATIONS) + 1}"
        inactive = count >= 4 and i == count - 1
        out.append(
            state.insert(
                "Location",
                {
                    "name": name,
                    "isActive": not inactive,
                    "isPrimary": i == 0,
                    "fulfillsOnlineOrders": not inactive,
                    "shipsInventory": True,
                    "hasActiveInventory": True,
                    "activatable": True,
                    "deactivatable": i != 0,
                    "address": {
                        "address1": f"{10 + i} Commerce Way",
                        "city": city,
                        "countryCode": country,
                        "country": country,
                        "zip": zip_,
                        "formatted": [city, country],
                    },
                },
                iso(ANCHOR - timedelta(days=700 - i)),
            )
        )
    return out


def seed_products(
    state: ShopState, rng: random.Random, products: int, variants: int, locations: list[Record]
) -> list[Record]:
    """Products with options and variants, stocked at one to three active locations."""
    active = [loc for loc in locations if loc["isActive"]]
    sizes = variant_counts(rng, products, variants)
    out: list[Record] = []
    for p, want in enumerate(sizes):
        stamp = stamp_before(rng, 400, 100)
        gift = p == 0 and products >= 4
        title = "Gift Card" if gift else f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        product = prod.new_product(
            state,
            {
                "title": title,
                "vendor": rng.choice(VENDORS),
                "productType": title.split()[-1],
                "status": "DRAFT" if rng.random() < 0.05 else "ACTIVE",
                "tags": rng.sample(["new", "sale", "eco", "bestseller", "winter"], 2),
                "descriptionHtml": f"<p>{title} made to last.</p>",
            },
            stamp,
        )
        product["handle"] = f"{prod.handleize(title)}-{p + 1}"
        product["isGiftCard"] = gift
        combos = _combinations(rng, want, gift)
        names = list(combos[0].keys())
        prod.set_options(
            state, product, [{"name": n, "values": list(dict.fromkeys(c[n] for c in combos))} for n in names]
        )
        base = Decimal(rng.choice([9, 12, 19, 25, 29, 39, 49, 59, 79, 99, 129])) + Decimal("0.95")
        for v, combo in enumerate(combos):
            sku = None if rng.random() < 0.02 else f"SKU-{p + 1:05d}-{v + 1:02d}"
            stock = {}
            for loc in rng.sample(active, rng.randint(1, min(3, len(active)))):
                stock[loc["id"]] = rng.choice([0, 2, 5, 10, 25, 40, 100])
            price = Decimal(combo["Denomination"].strip("$")) if gift else base + (v % 3) * 5
            prod.new_variant(
                state,
                product,
                {
                    "selectedOptions": [{"name": n, "value": combo[n]} for n in names],
                    "sku": sku,
                    "barcode": f"57{rng.randrange(10**10, 10**11)}",
                    "price": price,
                    "compareAtPrice": price + 10 if rng.random() < 0.2 else None,
                    "cost": str((price * Decimal("0.45")).quantize(Decimal("0.01"))),
                },
                stamp,
                stock,
            )
        if rng.random() < 0.7:
            prod.attach_media(
                state,
                product,
                [
                    {"originalSource": f"https://cdn.example.com/p/{p + 1}-{i}.png", "alt": title}
                    for i in range(rng.randint(1, 3))
                ],
            )
        product["updatedAt"] = later(stamp, rng, 90)
        out.append(product)
    return out


def variant_counts(rng: random.Random, products: int, variants: int) -> list[int]:
    """How many variants each product gets: varied (1 to 108), summing exactly to ``variants``."""
    if products <= 0:
        return []
    base, rest = divmod(max(variants, products), products)
    counts = [base + (1 if i < rest else 0) for i in range(products)]
    for _ in range(products):
        i, j = rng.randrange(products), rng.randrange(products)
        if i == j or counts[i] <= 1:
            continue
        move = rng.randint(0, counts[i] - 1)
        if counts[j] + move <= MAX_VARIANTS:
            counts[i] -= move
            counts[j] += move
    if products >= 4 and counts[1] + counts[0] - 3 >= 1:  # the gift card has three denominations
        counts[1] += counts[0] - 3
        counts[0] = 3
    return counts


def _combinations(rng: random.Random, want: int, gift: bool) -> list[dict[str, str]]:
    if gift:
        return [{"Denomination": f"${d}"} for d in (25, 50, 100)]
    if want == 1:
        return [{"Title": "Default Title"}]
    sizes, colors = OPTIONS["Size"], OPTIONS["Color"]
    want = min(want, MAX_VARIANTS)
    if want <= len(sizes):
        return [{"Size": s} for s in sizes[:want]]
    combos = [{"Size": s, "Color": c} for c in colors for s in sizes]
    if want > len(combos):
        combos = [{"Size": s, "Color": c, "Material": m} for m in OPTIONS["Material"] for c in colors for s in sizes]
    return combos[:want]


def seed_customers(state: ShopState, rng: random.Random, count: int) -> list[Record]:
    """Customers: most with email, about half with phone, a few with neither; addresses abroad."""
    out = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        roll = rng.random()
        email = None if roll < 0.12 else f"{first.lower()}.{last.lower().replace(chr(39), '')}{i + 1}@example.com"
        phone = f"+45{20000000 + i:08d}" if rng.random() < 0.5 else None
        if email is None and roll < 0.04:
            phone = None
        code, country, city, zip_, _tax = rng.choice(COUNTRIES)
        addresses = [
            {
                "firstName": first,
                "lastName": last,
                "address1": f"{rng.randint(1, 200)} Main St",
                "city": city,
                "zip": zip_,
                "country": country,
                "countryCode": code,
            }
        ]
        stamp = stamp_before(rng, 500, 30)
        customer = cust.new_customer(
            state,
            {
                "firstName": first,
                "lastName": last,
                "email": email,
                "phone": phone,
                "addresses": addresses,
                "tags": ["vip"] if rng.random() < 0.1 else [],
            },
            stamp,
        )
        customer["updatedAt"] = later(stamp, rng, 30)
        out.append(customer)
    return out


def seed_shop(state: ShopState, size: str | dict[str, int], rng_seed: int = 42) -> ShopState:
    """Fill an empty shop deterministically; returns it."""
    counts = resolve_size(size)
    rng = random.Random(f"{rng_seed}:{state.info.handle}")
    with state.lock:
        state.fixed_now = iso(ANCHOR - timedelta(days=700))
        locations = seed_locations(state, counts["locations"])
        seed_products(state, rng, counts["products"], counts["variants"], locations)
        customers = seed_customers(state, rng, counts["customers"])
        seed_orders(state, rng, counts["orders"], customers)
        seed_payments(state, rng)
        state.fixed_now = None
        state.observe_stamp(iso(ANCHOR))
    return state
