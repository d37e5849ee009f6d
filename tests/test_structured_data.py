"""Structured data for search engines: GovernmentService on guide pages, FAQPage on FAQ pages."""

from __future__ import annotations

import html as html_module
import json
import re
from types import SimpleNamespace

import pytest

from generator.build import BuildOptions, check
from generator.render.structured import faq_jsonld, plain_text

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(html: str) -> list[dict]:
    return [json.loads(block) for block in LD.findall(html)]


def canonical(html: str) -> str:
    return html.split('<link rel="canonical" href="')[1].split('"')[0]


@pytest.mark.slow
def test_every_guide_page_describes_its_government_service(built_demo):
    site = check(BuildOptions(content=built_demo.root / "content", config=built_demo.root / "site_config.yml"))
    checked = 0
    for province in site.provinces:
        for guide in site.guides_for(province):
            html = (built_demo.out / province.slug / "huong-dan" / guide.slug / "index.html").read_text("utf-8")
            [data] = json_ld(html)
            assert data["@type"] == "GovernmentService"
            assert data["name"] == guide.title
            assert data["url"] == canonical(html)
            assert data["areaServed"]["name"] == f"{province.kind} {province.name}"
            assert data["availableChannel"][0]["serviceUrl"] == str(guide.online_url)
            checked += 1
    assert checked == sum(len(site.guides_for(p)) for p in site.provinces)


@pytest.mark.slow
def test_every_faq_page_lists_its_questions_with_plain_text_answers(built_demo):
    pages = [
        built_demo.out / path
        for path, entry in built_demo.files.items()
        if entry["kind"] == "page" and re.fullmatch(r"[^/]+/hoi-dap/[^/]+/index\.html", path)
    ]
    assert len(pages) >= 3
    for path in pages:
        html = path.read_text("utf-8")
        [data] = json_ld(html)
        assert data["@type"] == "FAQPage" and data["url"] == canonical(html)
        questions = re.findall(r'<h2 id="[^"]+">(.*?)<a class="headerlink"', html)
        shown = [html_module.unescape(re.sub(r"<[^>]+>", "", q)).strip() for q in questions]
        assert [q["name"] for q in data["mainEntity"]] == shown
        for question in data["mainEntity"]:
            answer = question["acceptedAnswer"]["text"]
            assert answer and "<" not in answer and "](" not in answer and "**" not in answer, path


def test_json_ld_cannot_close_its_script_element():
    entry = SimpleNamespace(question="Có </script><script>alert(1)</script> không?", answer="**Có**, [xem](guide:x).")
    text = faq_jsonld([entry], "https://example.org/hoi-dap/x/")
    assert "<" not in text
    assert json.loads(text)["mainEntity"][0]["name"] == entry.question
    assert plain_text(entry.answer) == "Có , xem ."


@pytest.mark.slow
def test_guide_pages_are_discoverable_with_canonical_address_description_and_sitemaps(built_demo):
    site = check(BuildOptions(content=built_demo.root / "content", config=built_demo.root / "site_config.yml"))
    base = site.config.base
    robots = (built_demo.out / "robots.txt").read_text("utf-8")
    sitemaps = re.findall(r"^Sitemap: (\S+)$", robots, re.M)
    expected = [f"{base}/sitemap.xml", *(f"{base}/{p.slug}/sitemap.xml" for p in site.provinces)]
    assert sorted(sitemaps) == sorted(expected)
    for province in site.provinces:
        listed = (built_demo.out / province.slug / "sitemap.xml").read_text("utf-8")
        for guide in site.guides_for(province):
            html = (built_demo.out / province.slug / "huong-dan" / guide.slug / "index.html").read_text("utf-8")
            url = f"{base}/{province.slug}/huong-dan/{guide.slug}/"
            assert canonical(html) == url
            assert f"<loc>{url}</loc>" in listed
            assert html.lstrip().startswith('<!doctype html>\n<html lang="vi"')
            assert html.count('<meta name="description"') == 1
            description = html.split('<meta name="description" content="')[1].split('"')[0]
            assert html_module.unescape(description) == guide.summary
