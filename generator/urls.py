"""Is an outbound address safe to put in front of a citizen, on screen or on paper?

The rules are those of an anti-phishing reviewer, applied after IDNA decoding so that a
look-alike host (Cyrillic letters, punycode) is seen for what it is: https only; no user
name or password before the host (`gov.vn@evil.example` goes to evil.example); no IP
address; no port; no link shortener (its target can change after printing); and the host is
an allowed domain or a subdomain of one, compared label by label (`gov.vn.evil.example` is
not under gov.vn).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

import idna

SHORTENERS = frozenset(
    {
        *("bit.ly", "bitly.com", "tinyurl.com", "goo.gl", "t.co", "ow.ly", "is.gd", "v.gd", "buff.ly", "cutt.ly"),
        *("rebrand.ly", "shorturl.at", "tiny.cc", "s.id", "rb.gy", "t.ly", "lnkd.in", "shorte.st", "bl.ink"),
        *("zalo.me", "qrco.de", "u.to", "x.gd", "clck.ru"),
    }
)


def readable_host(host: str) -> str:
    """The host as a person would read it: punycode labels decoded (xn--...), lower case."""
    try:
        return idna.decode(host)
    except idna.IDNAError:
        return host.lower()


def within(host: str, domains: Iterable[str]) -> bool:
    """host is one of domains or a subdomain of one, label by label."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in domains)


def outbound_problem(url: str, domains: Iterable[str], list_name: str = "allowed", own_host: str = "") -> str | None:
    """Why url must not be shown or printed, or None if it may; list_name says where domains are set.
    The site's own host is always allowed."""
    text = str(url)
    if any(ch.isspace() or ord(ch) < 32 for ch in text.strip()) or "\\" in text:
        return f"{text!r} contains spaces, control characters or backslashes"
    parts = urlsplit(text.strip())
    if parts.scheme.lower() != "https":
        return f"{text} must use https://"
    if "@" in parts.netloc:
        return f"{text} has a user name before the host (after '@' is where it really goes): remove it"
    try:
        if parts.port is not None:
            return f"{text} names a port: official sites do not"
    except ValueError:
        return f"{text} has a malformed port"
    raw_host = (parts.hostname or "").rstrip(".")
    if not raw_host:
        return f"{text} has no host"
    try:
        ipaddress.ip_address(raw_host)
        return f"{text} uses an IP address instead of a domain name"
    except ValueError:
        pass
    try:
        ascii_host = idna.encode(raw_host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return f"{text}: {raw_host!r} is not a valid domain name"
    shown = readable_host(ascii_host)
    if within(ascii_host, SHORTENERS):
        return f"{text} is a link shortener ({shown}): link to the page itself"
    domains = list(domains)
    if not within(ascii_host, [*domains, own_host.lower()] if own_host else domains):
        label = shown if shown == ascii_host else f"{shown} ({ascii_host})"
        return f"{label} is not an allowed domain ({list_name}: {', '.join(domains)})"
    return None
