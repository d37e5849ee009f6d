"""Stage 2, validate: plain data -> typed models, then the rules that span files.

Every problem is collected; nothing is raised until all files have been seen.
"""

from __future__ import annotations

import difflib
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import PIL.Image
from pydantic import BaseModel, ValidationError

from .errors import ContentError, ContentErrors, display_path
from .links import content_links, relative_page_links, web_links
from .load import REGISTRY_FILE, Asset, Document, LoadedContent, load_document
from .models import (
    MODELS_BY_KIND,
    FaqEntry,
    FaqGroup,
    Guide,
    Province,
    QuizBank,
    QuizQuestion,
    ShortLinkRegistry,
    SiteConfig,
)
from .results import ProvinceResults, validate_results
from .shortlinks import ShortLinks, resolve
from .text import SLUG_PATTERN, slugify
from .urls import outbound_problem


@dataclass
class Site:
    """Everything the later stages need, validated and cross-checked."""

    config: SiteConfig
    provinces: list[Province]
    guides: list[Guide]
    faq_groups: list[FaqGroup]
    assets: dict[str, Asset]
    short_links: ShortLinks
    sources: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, slug) -> file name
    results: dict[str, ProvinceResults] = field(default_factory=dict)  # province slug -> outreach results
    quiz_banks: list[QuizBank] = field(default_factory=list)

    def guides_for(self, province: Province) -> list[Guide]:
        return [g for g in self.guides if g.provinces is None or province.slug in g.provinces]

    def faq_entries_for(self, group: FaqGroup, province: Province) -> list[FaqEntry]:
        return [e for e in group.entries if e.provinces is None or province.slug in e.provinces]

    def quiz_for(self, province: Province) -> list[QuizQuestion]:
        """The quiz of a province: every question whose guide applies there, banks in order."""
        applies = {g.slug for g in self.guides_for(province)}
        return [q for bank in self.quiz_banks for q in bank.questions if q.guide in applies]


def validation_errors(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[ContentError]:
    """Pydantic's errors as author-facing messages at the right line."""
    errors = []
    for err in exc.errors(include_url=False):
        loc = tuple(part for part in err["loc"] if part != "[key]")
        if err["type"] == "extra_forbidden":
            message = f"unknown field {loc[-1]!r}" + _suggestion(str(loc[-1]), _fields_at(model, loc[:-1]))
        elif err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "string_pattern_mismatch" and err["ctx"].get("pattern") == SLUG_PATTERN:
            message = (
                f"not a valid slug {err['input']!r}: use only a-z without accents, 0-9 and '-', "
                f"for example {slugify(str(err['input'])) or 'dang-ky-khai-sinh'!r}"
            )
        else:
            message = err["msg"].removeprefix("Value error, ")
            if err["type"].endswith("_type") or err["type"] in {"int_parsing", "date_from_datetime_parsing"}:
                message += f" (got {err['input']!r})"
        errors.append(doc.error(loc, message))
    return errors


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names that would be valid at loc, to suggest the closest to a typo."""
    current: type | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            continue  # a dict key such as a province slug in `overrides`
        current = _model_in(info.annotation)
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation) -> type | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _suggestion(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f"; expected one of: {', '.join(candidates)}" if candidates else ""


def parse_model(doc: Document, model: type[BaseModel]) -> tuple[BaseModel | None, list[ContentError]]:
    if not isinstance(doc.data, dict):
        return None, [doc.error((), "expected a mapping of fields (key: value) at the top of the file")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, validation_errors(exc, doc, model)


def load_config(path: Path) -> SiteConfig:
    """site_config.yml, validated like content."""
    if not path.is_file():
        raise ContentErrors([ContentError(display_path(path), None, "", "site configuration file not found")])
    doc = load_document(path, "config", path.parent)
    config, errors = parse_model(doc, SiteConfig)
    if errors:
        raise ContentErrors(errors)
    return config  # type: ignore[return-value]


def validate(loaded: LoadedContent, config: SiteConfig, config_name: str = "site_config.yml") -> Site:
    """Typed, cross-checked content; raises ContentErrors listing every problem."""
    errors = list(loaded.errors)
    parsed: dict[str, list[tuple[Document, BaseModel]]] = {kind: [] for kind in MODELS_BY_KIND}
    registry_doc = next((d for d in loaded.documents if d.kind == "short-links"), None)
    registry = ShortLinkRegistry()
    if registry_doc is not None:
        model, registry_errors = parse_model(registry_doc, ShortLinkRegistry)
        errors.extend(registry_errors)
        registry = model or registry  # type: ignore[assignment]
    for doc in loaded.documents:
        if doc is registry_doc or doc.kind == "results":
            continue
        model, doc_errors = parse_model(doc, MODELS_BY_KIND[doc.kind])
        errors.extend(doc_errors)
        if model is not None:
            parsed[doc.kind].append((doc, model))

    communes_of = {p.slug: [c.slug for c in p.communes] for _, p in parsed["provinces"]}
    results, results_errors = validate_results(loaded.documents, None if loaded.errors else communes_of)
    errors.extend(results_errors)

    # Cross-file rules need the full set of names, so they only run once every file was read.
    if not loaded.errors:
        errors.extend(_cross_file_errors(loaded, parsed, config, config_name))
    provinces = sorted((m for _, m in parsed["provinces"]), key=lambda p: p.slug)
    guides = sorted((m for _, m in parsed["guides"]), key=lambda g: g.slug)
    resolved = {}
    if not errors:
        applies = {g.slug: {p.slug for p in provinces if g.provinces is None or p.slug in g.provinces} for g in guides}
        resolved, registry_errors = resolve(registry_doc, registry, provinces, guides, applies)
        errors.extend(registry_errors)
    if errors:
        raise ContentErrors(errors)

    site = Site(
        config=config,
        provinces=provinces,
        guides=guides,
        faq_groups=sorted((m for _, m in parsed["faqs"]), key=lambda f: (f.order, f.slug)),
        quiz_banks=sorted((m for _, m in parsed["quiz"]), key=lambda b: (b.order, b.slug)),
        assets=loaded.assets,
        short_links=ShortLinks(registry, resolved, config.print_batch),
        results=results,
    )
    site.sources[("short-links", "")] = registry_doc.name if registry_doc else f"{loaded.root.name}/{REGISTRY_FILE}"
    for kind, items in parsed.items():
        for doc, model in items:
            site.sources[(kind, model.slug)] = doc.name
    for slug, province_results in results.items():
        site.sources[("results", slug)] = province_results.source
    return site


def _cross_file_errors(loaded, parsed, config: SiteConfig, config_name: str) -> list[ContentError]:
    errors: list[ContentError] = [
        ContentError(f"content/{name}", None, "", problem)
        for name, asset in sorted(loaded.assets.items())
        if (problem := image_problem(name, asset.data))
    ]
    raw = {kind: [d for d in loaded.documents if d.kind == kind and isinstance(d.data, dict)] for kind in parsed}

    # Names are taken from the raw data, so a file with a schema error still counts as known.
    province_slugs = {_text(d.data.get("slug")) for d in raw["provinces"]} - {None}
    guide_slugs = {_text(d.data.get("slug")) for d in raw["guides"]} - {None}

    errors += _duplicate_errors(raw)

    markdown_fields: list[tuple[Document, tuple, str, set]] = []

    def unknown(doc: Document, loc: tuple, value: str, known: set, what: str) -> None:
        if value not in known:
            names = ", ".join(sorted(k for k in known if isinstance(k, str)))
            errors.append(doc.error(loc, f"unknown {what} {value!r}; known: {names}"))

    def check_faq(doc: Document, loc: tuple, entry: FaqEntry) -> None:
        for j, slug in enumerate(entry.related_guides):
            unknown(doc, (*loc, "related_guides", j), slug, guide_slugs, "guide")
        for j, slug in enumerate(entry.provinces or []):
            unknown(doc, (*loc, "provinces", j), slug, province_slugs, "province")

    guides_by_slug = {g.slug: g for _, g in parsed["guides"]}
    for doc, guide in parsed["guides"]:
        for i, slug in enumerate(guide.provinces or []):
            unknown(doc, ("provinces", i), slug, province_slugs, "province")
        shown_in = province_slugs if guide.provinces is None else set(guide.provinces)
        for slug in guide.overrides:
            unknown(doc, ("overrides", slug), slug, shown_in, "province for this guide")
        for i, step in enumerate(guide.steps):
            for name in ("body", "tip", "warning"):
                if getattr(step, name):
                    markdown_fields.append((doc, ("steps", i, name), getattr(step, name), shown_in))
            if step.image and step.image.src not in loaded.assets:
                message = f"image file not found: content/{step.image.src}"
                errors.append(doc.error(("steps", i, "image", "src"), message))
        for i, entry in enumerate(guide.faqs):
            check_faq(doc, ("faqs", i), entry)
        for i, entry in enumerate(guide.faqs):
            markdown_fields.append((doc, ("faqs", i, "answer"), entry.answer, shown_in & _shown(entry, province_slugs)))

    for doc, province in parsed["provinces"]:
        lists = [(("featured_guides",), province.featured_guides)]
        lists += [(("communes", i, "print_guides"), c.print_guides) for i, c in enumerate(province.communes)]
        for loc, slugs in lists:
            for i, slug in enumerate(slugs):
                guide = guides_by_slug.get(slug)
                unknown(doc, (*loc, i), slug, guide_slugs, "guide")
                if guide and guide.provinces is not None and province.slug not in guide.provinces:
                    errors.append(doc.error((*loc, i), f"guide {slug!r} does not apply to this province"))

    known_guides = sorted(s for s in guide_slugs if s)
    for doc in raw["quiz"]:  # raw, so a bank with another error still has its links checked
        questions = doc.data.get("questions")
        for i, question in enumerate(questions if isinstance(questions, list) else []):
            slug = _text(question.get("guide")) if isinstance(question, dict) else None
            if slug is not None and slug not in guide_slugs:
                message = f"question {question.get('id')!r} links to unknown guide {slug!r}"
                errors.append(doc.error(("questions", i, "guide"), message + _suggestion(slug, known_guides)))

    for doc, group in parsed["faqs"]:
        for i, entry in enumerate(group.entries):
            check_faq(doc, ("entries", i), entry)
            markdown_fields.append((doc, ("entries", i, "answer"), entry.answer, _shown(entry, province_slugs)))

    # Taken from the raw data too, so a guide with a schema error elsewhere is still a valid link target.
    guide_provinces = {
        slug: _raw_provinces(d.data, province_slugs) for d in raw["guides"] if (slug := _text(d.data.get("slug")))
    }
    faq_provinces = {
        entry_id: _raw_provinces(entry, province_slugs)
        for d in raw["faqs"]
        for entry in (d.data.get("entries") if isinstance(d.data.get("entries"), list) else [])
        if isinstance(entry, dict) and (entry_id := _text(entry.get("id")))
    }
    for doc, loc, markdown, shown_in in markdown_fields:
        errors += _link_errors(doc, loc, markdown, shown_in & province_slugs, guide_provinces, faq_provinces)

    errors += _allow_list_errors(parsed, config, config_name)

    if config.default_province not in province_slugs:
        names = ", ".join(sorted(str(s) for s in province_slugs))
        errors.append(
            ContentError(
                config_name, None, "default_province", f"unknown province {config.default_province!r}; known: {names}"
            )
        )
    for query, slug in config.search.best_bets.items():
        if slug not in guide_slugs:
            errors.append(
                ContentError(
                    config_name,
                    None,
                    f"search.best_bets.{query}",
                    f"unknown guide {slug!r}{_suggestion(slug, known_guides)}",
                )
            )
    return errors


_IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
_MAX_IMAGE_PIXELS = 25_000_000  # a phone screenshot is ~3 MP; more is a mistake or a decompression bomb
_ACTIVE_SVG = re.compile(
    r"<script|<foreignobject|\bon[a-z]+\s*=|javascript:|(?:href|src)\s*=\s*[\"']?\s*(?:https?:)?//", re.I
)


def image_problem(name: str, data: bytes) -> str | None:
    """Why a picture in content/images must not be used: its real format is not what its name
    says, it is too large to decode safely, it is damaged, or (SVG) it can run a script or load
    something from elsewhere when opened on its own."""
    suffix = Path(name).suffix.lower()
    if suffix == ".svg":
        if _ACTIVE_SVG.search(data.decode("utf-8", "replace")):
            return "SVG with a script, an event handler or an outside reference: export it again as plain drawing"
        return None
    expected = _IMAGE_FORMATS.get(suffix)
    if expected is None:
        return f"not a picture the site can use ({suffix or 'no extension'}); use .png, .jpg or .webp"
    try:
        with PIL.Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                return f"the file is {image.format or 'not a picture'} but its name ends in {suffix}"
            if image.width * image.height > _MAX_IMAGE_PIXELS:
                return f"{image.width}×{image.height} pixels is too large (at most {_MAX_IMAGE_PIXELS:,} pixels)"
            image.verify()
    except (PIL.UnidentifiedImageError, OSError, SyntaxError, ValueError, PIL.Image.DecompressionBombError):
        return f"not a readable {expected} picture (damaged or not a picture)"
    return None


def _duplicate_errors(raw: dict[str, list[Document]]) -> list[ContentError]:
    """Slugs and ids that must be unique across files (a former province's slug counts as taken)."""
    errors: list[ContentError] = []
    errors += _duplicates(
        raw["provinces"],
        lambda d: (
            [((), d.data.get("slug"))]
            + [
                (("former", i, "slug"), f.get("slug"))
                for i, f in enumerate(d.data.get("former") or [])
                if isinstance(f, dict)
            ]
        ),
        "province slug",
    )
    errors += _duplicates(
        raw["guides"],
        lambda d: (
            [((), d.data.get("slug"))]
            + [(("former_slugs", i), old) for i, old in enumerate(d.data.get("former_slugs") or [])]
        ),
        "guide slug",
    )
    errors += _duplicates(raw["faqs"], lambda d: [((), d.data.get("slug"))], "FAQ group slug")
    errors += _duplicates(
        raw["faqs"],
        lambda d: [
            (("entries", i, "id"), e.get("id"))
            for i, e in enumerate(d.data.get("entries") or [])
            if isinstance(e, dict)
        ],
        "FAQ id",
    )
    errors += _duplicates(raw["quiz"], lambda d: [((), d.data.get("slug"))], "quiz bank slug")
    errors += _duplicates(
        raw["quiz"],
        lambda d: [
            (("questions", i, "id"), q.get("id"))
            for i, q in enumerate(d.data.get("questions") or [])
            if isinstance(q, dict)
        ],
        "quiz question id",
    )
    return errors


def _allow_list_errors(parsed, config: SiteConfig, config_name: str) -> list[ContentError]:
    errors = []
    for doc, guide in parsed["guides"]:
        errors += _off_list(doc, ("online_url",), guide.online_url, config, config_name)
        for slug, override in guide.overrides.items():
            errors += _off_list(doc, ("overrides", slug, "online_url"), override.online_url, config, config_name)
        # Printed on paper (the printable guide), where a citizen cannot hover to see where a link goes.
        for i, law in enumerate(guide.legal_basis):
            errors += _off_list(doc, ("legal_basis", i, "url"), law.url, config, config_name)
        for i, step in enumerate(guide.steps):
            for name in ("body", "tip", "warning"):
                for url in web_links(getattr(step, name) or ""):
                    errors += _off_list(doc, ("steps", i, name), url, config, config_name)
        for i, faq in enumerate(guide.faqs):
            for url in web_links(faq.answer):
                errors += _off_list(doc, ("faqs", i, "answer"), url, config, config_name)
        errors += _off_list(doc, ("source_url",), guide.source_url, config, config_name, source=True)
    for doc, province in parsed["provinces"]:
        for i, portal in enumerate(province.portals):
            errors += _off_list(doc, ("portals", i, "url"), portal.url, config, config_name)
        errors += _off_list(doc, ("source_url",), province.source_url, config, config_name, source=True)
    for doc, group in parsed["faqs"]:
        for i, entry in enumerate(group.entries):
            for url in web_links(entry.answer):
                errors += _off_list(doc, ("entries", i, "answer"), url, config, config_name)
    return errors


def _text(value) -> str | None:
    """A raw value that can name something: text, or None (a list or mapping in its place is a schema error)."""
    return value if isinstance(value, str) else None


def _raw_provinces(data: dict, all_provinces: set) -> set:
    provinces = data.get("provinces")
    return {str(p) for p in provinces} if isinstance(provinces, list) else all_provinces


def _off_list(
    doc: Document, loc: tuple, url, config: SiteConfig, config_name: str, source: bool = False
) -> list[ContentError]:
    """Links that send citizens to a service or get printed must be safe to follow (see urls.py).
    A source cited on a page may also be on `source_domains` (the press), under the same rules."""
    if url is None:
        return []
    domains, names = config.allowed_domains, "allowed_domains"
    if source:
        domains, names = [*domains, *config.source_domains], "allowed_domains and source_domains"
    problem = outbound_problem(str(url), domains, f"{config_name} {names}", config.base_url.host or "")
    return [doc.error(loc, problem)] if problem else []


def _shown(entry: FaqEntry, all_provinces: set) -> set:
    return all_provinces if entry.provinces is None else set(entry.provinces)


def _link_errors(doc, loc, markdown, shown_in, guide_provinces, faq_provinces) -> list[ContentError]:
    """A guide:/faq: link must name an item that exists wherever the linking text is shown."""
    errors = []
    for target in relative_page_links(markdown):
        errors.append(
            doc.error(
                loc, f"link {target!r} points at a file; link to a guide as guide:<slug> or to a question as faq:<id>"
            )
        )
    for link in content_links(markdown):
        known = guide_provinces if link.scheme == "guide" else faq_provinces
        if link.name not in known:
            names = ", ".join(sorted(k for k in known if isinstance(k, str)))
            errors.append(doc.error(loc, f"link to unknown {link.scheme} {link.name!r}; known: {names}"))
            continue
        missing = sorted(str(p) for p in shown_in - known[link.name])
        if missing:
            errors.append(
                doc.error(
                    loc,
                    f"link to {link.scheme} {link.name!r}, which is not published in "
                    f"{', '.join(missing)} where this text is shown",
                )
            )
    return errors


def _duplicates(docs: list[Document], names, what: str) -> list[ContentError]:
    """Every place a name is used more than once, each naming the others."""
    places = [(doc, loc, name) for doc in docs for loc, name in names(doc) if isinstance(name, str)]
    counts = Counter(name for _, _, name in places)
    errors = []
    for doc, loc, name in places:
        if counts[name] > 1:
            others = [
                f"{d.name}:{d.line_of(lc or ('slug',))}"
                for d, lc, n in places
                if n == name and (d is not doc or lc != loc)
            ]
            errors.append(
                doc.error(loc if loc else ("slug",), f"duplicate {what} {name!r}, also used at {', '.join(others)}")
            )
    return errors
