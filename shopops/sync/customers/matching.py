"""Which ERP customer a Shopify customer is: exact rules only, never a "similar" customer.

BC's connector once found customers through Shopify's tokenized search, so ``ann.lee@example.com`` could
match ``lee@example.com`` and a phone with spaces matched a different number (BCApps issue #6459). The rules
here compare whole values, in this order, and stop at the first rule that finds anyone::

    index = CustomerIndex([("C1", "Ann.Lee@example.com", "+45 20 00 00 01"), ("C2", "lee@example.com", "")])
    index.match("ann.lee@example.com", "")        # Match("C1", "email_normalised")
    index.match("", "0045 2000 0001")             # Match("C1", "phone")
    index.match("lee@example.co", "")             # None: no rule matches, nothing is guessed

1. the exact e-mail (as typed, trimmed);
2. the normalised e-mail (case and white space ignored);
3. the normalised phone: the digits, leading zeros (the international prefix ``00``, a trunk ``0``) dropped;
   equal digits match, and so does a number that is the other's last 8 or more digits after a country code
   of 1 to 3 digits (``+45 20000001`` and ``20000001``).

A rule that finds two or more different customers is *ambiguous*: nothing is matched, and the caller is
told which customers compete (it must never pick one of them by chance).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

#: A local number must have at least this many digits to be compared by its tail.
MIN_TAIL_DIGITS = 8
#: A country calling code has 1 to 3 digits (E.164).
MAX_COUNTRY_CODE_DIGITS = 3
#: Fewer digits than this is not a phone number worth matching on.
MIN_PHONE_DIGITS = 6


def normalise_email(email: str | None) -> str:
    """The e-mail without surrounding or inner white space, lower-cased ('' for none)."""
    return "".join((email or "").split()).lower()


def phone_key(phone: str | None) -> str:
    """The digits of a phone number without leading zeros ('' when too short to be a number)."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit()).lstrip("0")
    return digits if len(digits) >= MIN_PHONE_DIGITS else ""


def phones_match(a: str | None, b: str | None) -> bool:
    """True when two phone numbers are the same number, written with or without the country code."""
    ka, kb = phone_key(a), phone_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    short, long = sorted((ka, kb), key=len)
    prefix = len(long) - len(short)
    return len(short) >= MIN_TAIL_DIGITS and prefix <= MAX_COUNTRY_CODE_DIGITS and long.endswith(short)


@dataclass(frozen=True)
class Match:
    """The customer found and the rule that found it (``email``, ``email_normalised``, ``phone``)."""

    no: str
    how: str


@dataclass(frozen=True)
class Ambiguous:
    """A rule found several customers: nothing is matched."""

    how: str
    candidates: tuple[str, ...]

    @property
    def reason(self) -> str:
        """One line naming the rule and the competing customers."""
        return f"{self.how} matches several ERP customers ({', '.join(self.candidates)}); link one by hand"


class CustomerIndex:
    """ERP customers by e-mail and phone, in memory for one run (one query instead of one per customer)."""

    def __init__(self, customers: Iterable[tuple[str, str, str]]) -> None:
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._email: dict[str, set[str]] = defaultdict(set)
        self._tail: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for no, email, phone in customers:
            self.add(no, email, phone)

    def add(self, no: str, email: str | None, phone: str | None) -> None:
        """Index one customer (a created customer is added so that the next one cannot take it twice)."""
        if email and email.strip():
            self._exact[email.strip()].add(no)
            self._email[normalise_email(email)].add(no)
        key = phone_key(phone)
        if key:
            self._tail[key[-MIN_TAIL_DIGITS:]].add((no, key))

    def match(self, email: str | None, phone: str | None) -> Match | Ambiguous | None:
        """The one customer the rules find for this e-mail and phone, Ambiguous, or None."""
        if email and email.strip():
            for how, found in (
                ("email", self._exact.get(email.strip(), set())),
                ("email_normalised", self._email.get(normalise_email(email), set())),
            ):
                if len(found) == 1:
                    return Match(next(iter(found)), how)
                if found:
                    return Ambiguous(how, tuple(sorted(found)))
        key = phone_key(phone)
        if not key:
            return None
        found = {no for no, other in self._tail.get(key[-MIN_TAIL_DIGITS:], set()) if phones_match(key, other)}
        if len(found) == 1:
            return Match(next(iter(found)), "phone")
        return Ambiguous("phone", tuple(sorted(found))) if found else None
