"""Permanent short links for printed QR codes: `<base_url>/q/<code>`.

A code is issued once for a (guide, province[, commune]) and recorded in the
committed registry `content/short-links.yml`. Codes are serial numbers written
in base 31 with the first 31 characters of Crockford's alphabet (no i, l, o, u, so
nothing is misread on paper) plus one check character, so the "check a leaflet"
page can tell a typo from a code we never printed. Because codes are serial, `issued` tells how many exist
and a deleted line is found and named.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ContentError
from .load import Document
from .models import Guide, Province, ShortLink, ShortLinkRegistry

# Base 31, a prime: with weights 1, 2, 3… every single wrong character and every swap of two
# neighbours changes the check character (Crockford's 32nd character, z, is left out for that).
ALPHABET = "0123456789abcdefghjkmnpqrstvwxy"
_MIN_DIGITS = 3


def encode(serial: int) -> str:
    """1 -> '0013': the serial in base 31 (at least three digits) and a check character."""
    digits = ""
    while serial:
        serial, rest = divmod(serial, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    digits = digits.rjust(_MIN_DIGITS, "0")
    return digits + _check_character(digits)


def decode(code: str) -> int | None:
    """The serial of a well-formed code, else None. Accepts what people type: I/L for 1, O for 0."""
    code = normalise(code)
    if len(code) <= _MIN_DIGITS or any(ch not in ALPHABET for ch in code):
        return None
    digits, check = code[:-1], code[-1]
    if _check_character(digits) != check:
        return None
    serial = 0
    for ch in digits:
        serial = serial * len(ALPHABET) + ALPHABET.index(ch)
    return serial


def normalise(code: str) -> str:
    return code.strip().lower().replace("-", "").replace(" ", "").translate(str.maketrans("ilo", "110"))


def _check_character(digits: str) -> str:
    total = sum((position + 1) * ALPHABET.index(ch) for position, ch in enumerate(digits))
    return ALPHABET[total % len(ALPHABET)]


Key = tuple[str, str, str | None]  # (guide slug, province slug, commune slug or None)


@dataclass(frozen=True)
class Issued:
    """A short link as the build uses it: its code and the guide page it leads to today."""

    link: ShortLink
    guide: str | None  # current guide slug; None when the code is retired
    province: str  # current province slug

    @property
    def code(self) -> str:
        return self.link.code


class ShortLinks:
    """The registry, resolved against today's guides and provinces; issues codes for new keys."""

    def __init__(self, registry: ShortLinkRegistry, resolved: dict[str, Issued], batch: str):
        self.registry = registry
        self.resolved = resolved
        self.batch = batch
        self.new: list[ShortLink] = []
        self._by_key: dict[Key, Issued] = {}
        for issued in sorted(resolved.values(), key=lambda i: decode(i.code) or 0):
            if issued.link.retired:  # a guide published again gets a new code
                continue
            exact = (issued.link.guide, issued.link.province, issued.link.commune)
            current = (issued.guide, issued.province, issued.link.commune)
            self._by_key[exact] = issued
            self._by_key.setdefault(current, issued)

    def code_for(self, guide: str, province: str, commune: str | None = None) -> str:
        """The code already issued for this key, or a new one (recorded in `new`)."""
        key = (guide, province, commune)
        issued = self._by_key.get(key)
        if issued is None:
            serial = self.registry.issued + len(self.new) + 1
            link = ShortLink(code=encode(serial), guide=guide, province=province, commune=commune, batch=self.batch)
            self.new.append(link)
            issued = self._by_key[key] = self.resolved[link.code] = Issued(link, guide, province)
        return issued.code

    def all(self) -> list[Issued]:
        return sorted(self.resolved.values(), key=lambda i: decode(i.code) or 0)

    def updated_registry(self) -> ShortLinkRegistry:
        return ShortLinkRegistry(issued=self.registry.issued + len(self.new), links=[*self.registry.links, *self.new])


def resolve(
    doc: Document | None,
    registry: ShortLinkRegistry,
    provinces: list[Province],
    guides: list[Guide],
    applies: dict[str, set[str]],
) -> tuple[dict[str, Issued], list[ContentError]]:
    """Where every code ever issued leads today; an error for each code that leads nowhere."""
    province_now = {p.slug: p.slug for p in provinces} | {f.slug: p.slug for p in provinces for f in p.former}
    guide_now = {g.slug: g.slug for g in guides} | {old: g.slug for g in guides for old in g.former_slugs}
    errors: list[ContentError] = []

    def error(index: int | None, field: str, message: str) -> None:
        if doc is not None:
            errors.append(doc.error(("links", index, field) if index is not None else (field,), message))

    seen: dict[int, int] = {}
    resolved: dict[str, Issued] = {}
    for index, link in enumerate(registry.links):
        serial = decode(link.code)
        if serial is None or encode(serial) != link.code:
            error(index, "code", f"{link.code!r} is not a code this tool issues; restore the line from version control")
            continue
        if serial in seen:
            error(index, "code", f"code {link.code!r} is listed twice (also at entry {seen[serial] + 1})")
            continue
        seen[serial] = index
        if serial > registry.issued:
            error(index, "code", f"code {link.code!r} is newer than `issued: {registry.issued}`")
        province = province_now.get(link.province)
        guide = guide_now.get(link.guide)
        if province is None:
            error(
                index,
                "province",
                f"printed code {link.code!r} leads to province {link.province!r}, which no longer exists; "
                "list it under `former:` of the province it became part of",
            )
            continue
        if link.retired:
            resolved[link.code] = Issued(link, None, province)
            continue
        if guide is None:
            error(
                index,
                "guide",
                f"printed code {link.code!r} leads to guide {link.guide!r}, which no longer exists; "
                "if the guide was renamed, add the old slug to its `former_slugs`; "
                f"if it was withdrawn, add `retired: <lý do>` to this line",
            )
            continue
        if province not in applies.get(guide, set()):
            error(
                index,
                "guide",
                f"printed code {link.code!r} leads to guide {guide!r} in {province!r}, "
                "but that guide is not published there; if it was withdrawn there, add `retired: <lý do>` to this line",
            )
            continue
        resolved[link.code] = Issued(link, guide, province)
    for serial in range(1, registry.issued + 1):
        if serial not in seen:
            error(
                None,
                "links",
                f"code {encode(serial)!r} (number {serial}) was issued but its line is missing; "
                "printed leaflets may carry it: restore the line from version control",
            )
    return resolved, errors


def registry_yaml(registry: ShortLinkRegistry) -> str:
    """The registry file as the build writes it: one line per code, oldest first."""
    lines = [
        "# yaml-language-server: $schema=../schemas/short-links.schema.json",
        "# Sổ đăng ký mã QR. Lệnh build tự ghi thêm mã mới khi có tờ rơi mới.",
        "# Mỗi mã đã in trên giấy phải luôn dẫn đến đúng hướng dẫn: không xoá, không sửa dòng nào.",
        "# Khi đổi mã (slug) của hướng dẫn, ghi mã cũ vào former_slugs của hướng dẫn đó.",
        '# Khi ngừng một hướng dẫn ở một tỉnh, thêm retired: "<lý do>" vào dòng của mã đó.',
        f"issued: {registry.issued}",
        "links:" if registry.links else "links: []",
    ]
    for link in registry.links:
        fields = [f"code: {_quoted(link.code)}", f"guide: {link.guide}", f"province: {link.province}"]
        if link.commune:
            fields.append(f"commune: {link.commune}")
        fields.append(f"batch: {_quoted(link.batch)}")
        if link.retired:
            fields.append(f"retired: {_quoted(link.retired)}")
        lines.append("  - {" + ", ".join(fields) + "}")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
