"""Vietnamese text helpers: NFC normalisation, slugs, accent-free forms."""

from __future__ import annotations

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_accents(text: str) -> str:
    """'Đăng ký' -> 'Dang ky'. đ/Đ have no decomposition, so map them first."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str) -> str:
    """'Đăng ký khai sinh' -> 'dang-ky-khai-sinh'."""
    return _NON_SLUG.sub("-", strip_accents(text).lower()).strip("-")


def format_vnd(amount: int) -> str:
    """20000 -> '20.000 đồng'; 0 -> 'Miễn phí'. Vietnamese groups thousands with dots."""
    if amount == 0:
        return "Miễn phí"
    return f"{amount:,}".replace(",", ".") + " đồng"


def format_date(value) -> str:
    return value.strftime("%d/%m/%Y")


def sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order a Vietnamese reader expects closely enough: letters first, marks second."""
    return strip_accents(text).casefold(), text


def toc_slugify(value: str, separator: str = "-") -> str:
    """Heading anchors for Python-Markdown's toc: Vietnamese-aware, đ -> d."""
    return slugify(value).replace("-", separator)
