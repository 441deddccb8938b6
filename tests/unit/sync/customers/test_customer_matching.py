"""Customer matching: exact rules only (BC issue #6459: a tokenized search matched the wrong customer)."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from shopops.sync.customers.matching import (
    Ambiguous,
    CustomerIndex,
    Match,
    normalise_email,
    phone_key,
    phones_match,
)
from shopops.sync.customers.mirror import content_hash, shared_from_erp, shared_from_shopify, shopify_input

INDEX = CustomerIndex(
    [
        ("LEE", "lee@example.com", ""),
        ("ANNLEE", "ann.lee@example.com", "+45 20 00 00 01"),
        ("EXACT", "Mixed.Case@Example.com", ""),
        ("TWIN1", "twin@example.com", ""),
        ("TWIN2", "TWIN@example.com", ""),
        ("LOCAL", "", "020000099"),
        ("SHORT", "", "12345678"),
        ("OTHER", "", "+1 212 12345678"),
    ]
)


def test_emails_are_normalised_for_case_and_white_space() -> None:
    assert normalise_email("  Ann.Lee@Example.COM ") == "ann.lee@example.com"
    assert normalise_email(None) == ""


def test_similar_emails_never_match() -> None:
    assert INDEX.match("ann.lee@example.com", "") == Match("ANNLEE", "email")
    assert INDEX.match("Ann.Lee@EXAMPLE.com ", "") == Match("ANNLEE", "email_normalised")
    assert INDEX.match("lee@example.com", "") == Match("LEE", "email")
    for near in ("lee@example.co", "ee@example.com", "ann.lee@example", "lee", "example.com"):
        assert INDEX.match(near, "") is None, near


def test_exact_email_wins_over_the_normalised_one() -> None:
    assert INDEX.match("Mixed.Case@Example.com", "") == Match("EXACT", "email")
    assert INDEX.match("twin@example.com", "") == Match("TWIN1", "email")


def test_two_customers_for_one_rule_is_ambiguous() -> None:
    found = INDEX.match("Twin@Example.com", "")
    assert isinstance(found, Ambiguous) and found.candidates == ("TWIN1", "TWIN2")
    assert "TWIN1, TWIN2" in found.reason


def test_phone_matches_with_or_without_country_code() -> None:
    assert INDEX.match("", "+45 20000001") == Match("ANNLEE", "phone")
    assert INDEX.match("", "0045 2000 0001") == Match("ANNLEE", "phone")
    assert INDEX.match("", "+45 20 00 00 99") == Match("LOCAL", "phone")
    assert INDEX.match("nobody@example.com", "20000001") == Match("ANNLEE", "phone")


def test_phone_never_matches_a_different_number() -> None:
    assert INDEX.match("", "+45 20000002") is None
    assert INDEX.match("", "0001") is None
    assert not phones_match("2000001", "452000001")  # 7 digits is too short to compare by the tail
    assert not phones_match("12345678", "121212345678")  # four leading digits are no country code
    assert not phones_match("12345678", "12345679")


def test_tail_match_needs_a_country_code_of_at_most_three_digits() -> None:
    assert phones_match("+4520000001", "20000001")
    assert phones_match("+352 12345678", "12345678")
    assert phones_match("12345678", "99912345678")
    assert INDEX.match("", "12345678") == Match("SHORT", "phone")  # OTHER has 4 digits before it: not the same


@given(st.text(alphabet="0123456789 +-()", min_size=0, max_size=20))
def test_a_phone_matches_itself_when_it_is_a_number(phone: str) -> None:
    assert phones_match(phone, phone) == bool(phone_key(phone))


def test_shared_content_survives_the_round_trip() -> None:
    customer = SimpleNamespace(
        name="Ada  King Lovelace",
        email="Ada@Example.com",
        phone="+44 20 7946 0000",
        address="1 Main St",
        address_2="",
        city="London",
        post_code="N1",
        county="",
        country_code="GB",
    )
    sent = shopify_input(customer)
    node = {
        "firstName": sent["firstName"],
        "lastName": sent["lastName"],
        "defaultEmailAddress": {"emailAddress": "ada@example.com"},
        "defaultPhoneNumber": {"phoneNumber": "+442079460000"},
        "defaultAddress": {**sent["addresses"][0], "countryCodeV2": "GB"},
    }
    assert content_hash(shared_from_shopify(node)) == content_hash(shared_from_erp(customer))
