"""The search index each province site ships (tim-kiem.json): small, per province, and with what
people type. Ranking itself is tested in a real browser (tests/test_browser.py)."""

from __future__ import annotations

import gzip
import json
import unicodedata

import pytest

from generator.build import BuildOptions, check
from generator.plan import plan_build
from generator.render.search import fold, search_index, search_index_json
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def demo():
    site = check(BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml"))
    return site, plan_build(site)


def province_sites(plan):
    return [s for s in plan.sites if s.province]


def test_each_province_index_is_small_and_holds_only_its_own_guides(demo):
    site, plan = demo
    for site_plan in province_sites(plan):
        index = search_index(site_plan, site.config)
        guide_urls = {d[0] for d in index["docs"] if d[0].startswith("huong-dan/")}
        expected = {f"huong-dan/{g.slug}/" for g in site.guides_for(site_plan.province)}
        assert guide_urls == expected
        assert len(gzip.compress(search_index_json(site_plan, site.config))) < 6_000


def test_abbreviations_are_added_to_guides_that_spell_them_out(demo):
    site, plan = demo
    index = search_index(province_sites(plan)[0], site.config)
    keywords = {d[0]: d[2].split("|") for d in index["docs"]}
    assert "GPLX" in keywords["huong-dan/doi-giay-phep-lai-xe/"]
    assert "BHYT" in keywords["huong-dan/lien-thong-khai-sinh/"]
    assert index["abbr"]["cccd"] == "can cuoc cong dan"
    assert index["best"]["cccd"] == "huong-dan/tai-khoan-dinh-danh-muc-2/"


def test_the_index_is_proper_nfc_text_not_escapes(demo):
    site, plan = demo
    data = search_index_json(province_sites(plan)[0], site.config)
    text = data.decode("utf-8")
    assert "\\u" not in text
    assert unicodedata.is_normalized("NFC", text)
    assert "Đổi giấy phép lái xe trực tuyến" in {d[1] for d in json.loads(text)["docs"]}


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Hoà", "hoa"),
        ("hòa", "hoa"),
        ("THUỶ", "thuy"),
        ("thủy", "thuy"),
        ("Đăng ký", "dang ki"),
        ("đăng kí", "dang ki"),
        ("quý", "qui"),
        ("Lý lịch", "li lich"),
        ("khoẻ", "khoe"),
        ("khỏe", "khoe"),
        ("ĐĐ", "dd"),
        ("tuyết", "tuyet"),  # y inside a syllable stays
    ],
)
def test_fold(typed, folded):
    assert fold(typed) == folded
    assert fold(unicodedata.normalize("NFD", typed)) == folded


def test_a_best_bet_for_an_unknown_guide_is_an_error(mini, run):
    config = mini / "site_config.yml"
    config.write_text(config.read_text("utf-8") + "search:\n  best_bets:\n    CCCD: khai-sinhh\n", "utf-8")
    result = run(mini, "check")
    assert result.code == 1
    assert "site_config.yml" in result.err
    assert "search.best_bets.CCCD" in result.err
    assert "unknown guide 'khai-sinhh' (did you mean 'khai-sinh'?)" in result.err
