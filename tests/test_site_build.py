"""End-to-end: the demo content builds into complete, linked province sites."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest

from generator.build import BuildOptions, check
from generator.text import format_vnd
from tests.html_tools import read_page, resolve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_build(built_demo):
    """The demo as the session built it, everything included (the campaign kit's links are checked too)."""
    options = BuildOptions(content=built_demo.root / "content", config=built_demo.root / "site_config.yml")
    return built_demo.out, check(options)


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_demo_content_meets_the_brief(demo_build):
    _, content = demo_build
    assert {p.slug for p in content.provinces} >= {"vinh-long", "bac-ninh", "dong-nai"}
    assert len(content.guides) >= 8
    faq_count = sum(len(g.entries) for g in content.faq_groups) + sum(len(g.faqs) for g in content.guides)
    assert faq_count >= 20
    assert all(len(p.communes) >= 3 for p in content.provinces)


def test_every_guide_has_a_page_in_exactly_the_provinces_it_applies_to(demo_build):
    site, content = demo_build
    for province in content.provinces:
        published = {g.slug for g in content.guides_for(province)}
        for guide in content.guides:
            page = site / province.slug / "huong-dan" / guide.slug / "index.html"
            assert page.is_file() == (guide.slug in published), page


def test_guide_pages_show_steps_in_order_and_every_fee(demo_build):
    site, content = demo_build
    for province in content.provinces:
        for guide in content.guides_for(province):
            page = read_page(site / province.slug / "huong-dan" / guide.slug / "index.html")
            expected = [f"Bước {i}. {step.title}" for i, step in enumerate(guide.steps, start=1)]
            assert page.step_titles == expected
            override = guide.overrides.get(province.slug)
            channels = override.channels if override and override.channels else guide.channels
            for channel in channels:
                assert channel.processing_time in page.text
                if channel.fee is not None:
                    assert format_vnd(channel.fee) in page.text
            assert guide.last_reviewed.strftime("%d/%m/%Y") in page.text
            assert str(guide.online_url) in page.links


def test_no_internal_link_or_anchor_is_broken(demo_build):
    site, _ = demo_build
    broken = []
    ids_cache: dict[Path, set[str]] = {}
    for page_path in html_files(site):
        page = read_page(page_path)
        for href in page.links + page.resources:
            target = resolve(site, page_path, href)
            if target is None:
                continue
            path, anchor = target
            if not path.is_file():
                broken.append(f"{page_path.relative_to(site)} -> {href}")
                continue
            if anchor and path.suffix == ".html":
                ids = ids_cache.setdefault(path, read_page(path).ids)
                if anchor not in ids:
                    broken.append(f"{page_path.relative_to(site)} -> {href} (no such anchor)")
    assert broken == []


def test_pages_request_nothing_from_other_hosts(demo_build):
    site, _ = demo_build
    for page_path in html_files(site):
        for resource in read_page(page_path).resources:
            assert resolve(site, page_path, resource) is not None, f"{page_path}: {resource}"


def test_pages_are_vietnamese_nfc_and_marked_as_sample(demo_build):
    site, content = demo_build
    for province in content.provinces:
        home = site / province.slug / "index.html"
        text = home.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text)
        page = read_page(home)
        assert page.html_lang == "vi"
        assert "Nội dung mẫu" in page.text
        assert province.hotlines[0].number in page.text


def test_landing_page_lists_current_and_former_provinces(demo_build):
    site, content = demo_build
    page = read_page(site / "index.html")
    for province in content.provinces:
        assert f"{province.slug}/" in page.links
        for former in province.former:
            assert former.name in page.text


def test_former_province_addresses_redirect_to_the_current_province(demo_build):
    site, content = demo_build
    checked = 0
    for province in content.provinces:
        for former in province.former:
            for guide in content.guides_for(province):
                old = site / former.slug / "huong-dan" / guide.slug / "index.html"
                page = read_page(old)
                target = resolve(site, old, page.meta_refresh)
                assert target is not None
                assert target[0] == site / province.slug / "huong-dan" / guide.slug / "index.html"
                assert target[0].is_file()
                assert "noindex" in old.read_text(encoding="utf-8")
                checked += 1
    assert checked > 0


def test_legacy_portals_are_never_linked(demo_build):
    site, content = demo_build
    legacy = [str(f.legacy_portal_url) for p in content.provinces for f in p.former if f.legacy_portal_url]
    assert legacy
    for page_path in html_files(site):
        links = read_page(page_path).links
        assert not any(link.startswith(url.rstrip("/")) for link in links for url in legacy), page_path


def test_manifest_lists_every_file_with_kind_province_source_and_hash(demo_build):
    site, content = demo_build
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(listed) == on_disk
    for path, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256((site / path).read_bytes()).hexdigest()
    guide = content.guides[0]
    province = next(p for p in content.provinces if guide in content.guides_for(p))
    entry = listed[f"{province.slug}/huong-dan/{guide.slug}/index.html"]
    assert entry["kind"] == "page"
    assert entry["province"] == province.slug
    assert entry["source"] == f"content/guides/{guide.slug}.yml"
    assert {e["kind"] for e in listed.values()} >= {"page", "redirect", "asset", "search-index", "sitemap"}
