"""Country and province names for mailing addresses: Shopify's own country names from the served schema."""

from __future__ import annotations

from shopops.sandbox.state.addresses import country_code, country_names, formatted, mailing_address, same_place
from shopops.sandbox.state.store import ShopInfo, ShopState


def test_country_names_are_shopifys_from_the_country_code_enum() -> None:
    names = country_names()
    assert len(names) > 200
    assert (names["US"], names["GB"], names["DK"], names["CI"]) == (
        "United States",
        "United Kingdom",
        "Denmark",
        "Côte d’Ivoire",
    )


def test_country_code_from_code_or_name() -> None:
    assert [country_code(v) for v in ("dk", "Denmark", " united kingdom ", "Atlantis", None)] == [
        "DK",
        "DK",
        "GB",
        None,
        None,
    ]


def test_mailing_address_from_each_input_shape() -> None:
    state = ShopState(ShopInfo("t", "T"))
    by_code = mailing_address(state, {"countryCode": "AU", "provinceCode": "NSW", "city": "Sydney", "zip": "2000"})
    by_name = mailing_address(
        state, {"country": "Australia", "province": "New South Wales", "city": "Sydney", "zip": "2000"}
    )
    for address in (by_code, by_name):
        assert (address["countryCodeV2"], address["country"], address["provinceCode"], address["province"]) == (
            "AU",
            "Australia",
            "NSW",
            "New South Wales",
        )
    assert by_code["id"] != by_name["id"] and same_place(by_code, by_name)
    assert formatted(by_code) == ["Sydney NSW 2000", "Australia"]
    unknown = mailing_address(state, {"countryCode": "DE", "provinceCode": "HH", "city": "Hamburg"})
    assert (unknown["provinceCode"], unknown["province"], unknown["country"]) == ("HH", "HH", "Germany")
    assert not same_place(by_code, unknown)
