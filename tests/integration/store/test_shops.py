"""Shops: the shop card is checked field by field, and the token never reaches the database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from shopops.errors import ConfigError, NotFound
from shopops.store import tables as t

TOKEN = "shpat_0123456789abcdef_never_store_me"


def test_add_get_list_set(ws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_TOKEN", TOKEN)
    shop = ws.shops.add("DEMO", url="https://demo.myshopify.com/", token_env="DEMO_TOKEN", sku_mapping="barcode")
    assert shop.url == "https://demo.myshopify.com" and shop.settings.sku_mapping == "barcode"
    assert shop.settings.allow_background_sync is True
    assert ws.shops["DEMO"].token == TOKEN
    assert "DEMO" in ws.shops and len(ws.shops) == 1
    assert list(ws.shops.list().shop) == ["DEMO"]
    changed = ws.shops.set("DEMO", allow_background_sync=False)
    assert changed.settings.allow_background_sync is False
    assert shop.settings.tax_business_group == ""
    assert ws.shops.set("DEMO", tax_business_group="DOMESTIC").settings.tax_business_group == "DOMESTIC"
    assert TOKEN not in repr(changed) and TOKEN not in ws.shops.list().to_string()
    with ws.engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(sa.select(t.shop)) for v in row)
    assert TOKEN not in dump and "DEMO_TOKEN" in dump


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "demo"}, "code"),
        ({"url": "ftp://demo"}, "url"),
        ({"url": "http://demo.myshopify.com"}, "url"),
        ({"token_env": "1BAD"}, "token_env"),
        ({"sku_mapping": "sku"}, "sku_mapping"),
        ({"allow_background_sync": "yes"}, "allow_background_sync"),
        ({"price_change_limit_pct": 1.5}, "price_change_limit_pct"),
        ({"no_such_setting": 1}, "no_such_setting"),
        ({"can_update_shopify_products": True, "shopify_can_update_items": True}, "can_update_shopify_products"),
        ({"return_refund_process": "auto_create"}, "return_refund_process"),
        ({"tax_business_group": "DOM ESTIC"}, "tax_business_group"),
        ({"tax_business_group": "X" * 21}, "tax_business_group"),
        ({"tax_business_group": 25}, "tax_business_group"),
    ],
)
def test_bad_values_name_the_field(ws: Any, kwargs: dict[str, Any], field: str) -> None:
    args = {"code": "DEMO", "url": "https://demo.myshopify.com", "token_env": "DEMO_TOKEN", **kwargs}
    with pytest.raises(ConfigError) as err:
        ws.shops.add(args.pop("code"), **args)
    assert err.value.field == field
    assert len(ws.shops) == 0


def test_loopback_http_is_allowed_for_the_sandbox(ws: Any) -> None:
    shop = ws.shops.add("SANDBOX", url="http://127.0.0.1:8123/shops/demo", token_env="T")
    assert shop.url.startswith("http://127.0.0.1")


def test_unknown_shop_and_missing_token(ws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NotFound, match="no shop 'X'"):
        ws.shops["X"]
    monkeypatch.delenv("UNSET_TOKEN", raising=False)
    ws.shops.add("A", url="https://a.myshopify.com", token_env="UNSET_TOKEN")
    with pytest.raises(ConfigError, match="UNSET_TOKEN is not set") as err:
        _ = ws.shops["A"].token
    assert err.value.field == "token_env"


def test_secrets_file_must_be_0600(ws: Any, tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[shops.FILE]\ntoken = "{TOKEN}"\n')
    os.chmod(secrets, 0o644)
    ws.shops.add("FILE", url="https://f.myshopify.com", secrets_file=secrets)
    with pytest.raises(ConfigError, match="chmod 600"):
        _ = ws.shops["FILE"].token
    os.chmod(secrets, 0o600)
    assert ws.shops["FILE"].token == TOKEN
    bare = tmp_path / "token.txt"
    bare.write_text(TOKEN + "\n")
    os.chmod(bare, 0o600)
    ws.shops.add("BARE", url="https://b.myshopify.com", secrets_file=bare)
    assert ws.shops["BARE"].token == TOKEN
