"""The citizen's side, in Debian's Chromium driven by Playwright: search typed the way people type,
offline reading, bytes on the wire, accessibility (axe-core), small screens and zoom, reading
without JavaScript, and no request to any host but the site's own."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from generator.render.search import fold
from tests.browser_tools import PHONE, Wire, new_context, wait_until_kept
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

PROVINCE = "vinh-long"
GUIDE = f"{PROVINCE}/huong-dan/doi-giay-phep-lai-xe/"
OTHER_GUIDE = f"{PROVINCE}/huong-dan/lien-thong-khai-sinh/"

# One page of every kind the build makes, national and provincial.
PAGE_KINDS = {
    "national landing": "",
    "check a leaflet": "kiem-tra-to-roi/",
    "province home": f"{PROVINCE}/",
    "guides index": f"{PROVINCE}/huong-dan/",
    "guide": GUIDE,
    "FAQ index": f"{PROVINCE}/hoi-dap/",
    "FAQ": f"{PROVINCE}/hoi-dap/tai-khoan-vneid/",
    "help in person": f"{PROVINCE}/ho-tro-truc-tiep/",
    "print materials": f"{PROVINCE}/tai-lieu-in/",
    "infographics": f"{PROVINCE}/anh/doi-giay-phep-lai-xe/",
    "results": f"{PROVINCE}/ket-qua/",
    "quiz": f"{PROVINCE}/trac-nghiem/",
    "campaign kit": f"{PROVINCE}/truyen-thong/",
    "search with results": f"{PROVINCE}/tim-kiem/?q=doi%20bang%20lai",
    "not found": f"{PROVINCE}/404.html",
}

# (query as people type it, the guide that must come first). Every query also runs in NFD.
QUERIES = [
    ("đổi bằng lái", "doi-giay-phep-lai-xe"),
    ("doi bang lai", "doi-giay-phep-lai-xe"),
    ("GPLX", "doi-giay-phep-lai-xe"),
    ("gplx het han", "doi-giay-phep-lai-xe"),
    ("khám sức khoẻ lái xe", "doi-giay-phep-lai-xe"),
    ("kham suc khỏe lai xe", "doi-giay-phep-lai-xe"),
    ("CCCD", "tai-khoan-dinh-danh-muc-2"),
    ("cccd", "tai-khoan-dinh-danh-muc-2"),
    ("can cuoc cong dan", "tai-khoan-dinh-danh-muc-2"),
    ("vneid muc 2", "tai-khoan-dinh-danh-muc-2"),
    ("BHYT cho tre", "lien-thong-khai-sinh"),
    ("bảo hiểm y tế cho con", "lien-thong-khai-sinh"),
    ("lam giay khai sinh", "lien-thong-khai-sinh"),
    ("khai tu", "lien-thong-khai-tu"),
    ("xoá thường trú", "lien-thong-khai-tu"),
    ("xóa thường trú", "lien-thong-khai-tu"),
    ("mai tang phi", "lien-thong-khai-tu"),
    ("LLTP", "ly-lich-tu-phap"),
    ("lí lịch tư pháp", "ly-lich-tu-phap"),
    ("ly lich tu phap", "ly-lich-tu-phap"),
    ("an tich xin viec", "ly-lich-tu-phap"),
    ("VNeID", "dang-nhap-vneid"),
    ("DVC", "dang-nhap-vneid"),
    ("dang nhap dich vu cong", "dang-nhap-vneid"),
    ("đăng kí thường trú", "dang-ky-thuong-tru"),
    ("dang ky thuong tru", "dang-ky-thuong-tru"),
    ("nhap ho khau", "dang-ky-thuong-tru"),
    ("dang ky ho kinh doanh", "dang-ky-ho-kinh-doanh"),
    ("HKD", "dang-ky-ho-kinh-doanh"),
    ("mở quán", "dang-ky-ho-kinh-doanh"),
]


# --- Search -------------------------------------------------------------------------------------


def first_result(page: Page, query: str) -> str:
    page.fill("#dvc-q", query)
    page.wait_for_function(
        "q => { const h = document.querySelector('#dvc-search-results h2'); return h && h.textContent.includes(q) }",
        arg=query.strip(),
    )
    link = page.query_selector("#dvc-search-results ol a")
    return link.get_attribute("href") if link else "(no result)"


def test_queries_with_and_without_accents_find_the_right_guide_first(phone, base):
    phone.goto(f"{base}/{PROVINCE}/tim-kiem/")
    wrong = []
    for query, slug in QUERIES:
        for form in {"NFC", "NFD"}:
            typed = unicodedata.normalize(form, query)
            found = first_result(phone, typed)
            if not found.endswith(f"/huong-dan/{slug}/"):
                wrong.append((form, query, found))
    assert wrong == []


def test_an_unknown_query_says_so_and_the_full_list_stays(phone, base):
    phone.goto(f"{base}/{PROVINCE}/tim-kiem/?q=xyzzy")
    phone.wait_for_selector("#dvc-search-results h2")
    assert "Không tìm thấy" in phone.inner_text("#dvc-search-results")
    assert phone.locator("#tat-ca-huong-dan ~ ul a").count() >= 8


def test_search_folding_in_the_browser_matches_the_build(phone, base):
    """dvc.js and generator/render/search.py fold every word of the content the same way."""
    texts = [p.read_text("utf-8") for p in (ROOT / "content").rglob("*.yml")]
    words = sorted({w for text in texts for w in re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text))})
    words += [unicodedata.normalize("NFD", w) for w in words]
    phone.goto(f"{base}/{PROVINCE}/tim-kiem/")
    phone.evaluate("window.module = {exports: {}}")
    phone.add_script_tag(url=f"{base}/{PROVINCE}/assets/javascripts/dvc.js")
    folded = phone.evaluate("words => words.map(w => module.exports.fold(w))", words)
    assert len(words) > 2000
    assert [w for w, js in zip(words, folded, strict=True) if fold(w) != js] == []
    assert fold("Hoà") == fold("hòa") == fold("HÒA") == "hoa"
    assert fold("Thuỷ") == fold("thủy") == "thuy"
    assert fold("Đăng ký") == fold("dang ki") == "dang ki"


def test_search_page_without_javascript_lists_every_guide(browser, base):
    context, outside = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/{PROVINCE}/huong-dan/")
    page.fill("#dvc-q", "doi bang lai")
    with page.expect_navigation():
        page.click(".dvc-search button")
    assert urlsplit(page.url).path == f"/{PROVINCE}/tim-kiem/"
    assert page.get_by_role("link", name="Đổi giấy phép lái xe trực tuyến").is_visible()
    context.close()
    assert outside.requests == []


# --- Offline and weight -------------------------------------------------------------------------


def test_a_guide_opened_once_opens_offline_with_its_pictures(browser, base):
    context, outside = new_context(browser, service_workers="allow")
    page = context.new_page()
    page.goto(f"{base}/{GUIDE}")
    steps = page.locator("h3.dvc-step").all_inner_texts()
    pictures = page.eval_on_selector_all("img[src]", "imgs => imgs.map(i => i.src)")
    assert steps and pictures
    wait_until_kept(page)

    context.set_offline(True)
    page.goto(f"{base}/{GUIDE}")
    assert page.locator("h3.dvc-step").all_inner_texts() == steps
    loaded = page.evaluate("urls => Promise.all(urls.map(u => fetch(u).then(r => r.ok, () => false)))", pictures)
    assert all(loaded)

    page.goto(f"{base}/{OTHER_GUIDE}")  # never opened: a plain notice, not a browser error
    assert "Không có kết nối mạng" in page.inner_text("h1")
    context.close()
    assert outside.requests == []


def test_first_and_second_guide_pages_stay_within_their_byte_budgets(browser, base):
    """Served with brotli and cache headers, as a phone gets them from a production server,
    with the service worker installing and keeping the page on the first visit."""
    context, outside = new_context(browser, service_workers="allow")
    wire = Wire(context)
    page = context.new_page()
    page.goto(f"{base}/{GUIDE}", wait_until="networkidle")
    wait_until_kept(page)
    first = wire.take()
    page.goto(f"{base}/{OTHER_GUIDE}", wait_until="networkidle")
    wait_until_kept(page)
    second = wire.take()
    context.close()
    assert outside.requests == []
    assert 20_000 < first <= 80_000, f"first guide page {first} bytes"
    assert 2_000 < second <= 15_000, f"second guide page {second} bytes"


# --- Reading -----------------------------------------------------------------------------------


def test_a_guide_reads_in_full_without_javascript(browser, base, built_demo):
    context, outside = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/{GUIDE}")
    steps = page.locator("h3.dvc-step")
    assert steps.count() >= 3
    for i in range(steps.count()):
        assert steps.nth(i).is_visible()
    body = page.inner_text("article")
    assert "Giấy tờ cần chuẩn bị" in body or "Giấy tờ" in body
    assert page.locator("table.dvc-fees").is_visible()
    context.close()
    assert outside.requests == []


@pytest.mark.parametrize(("label", "size"), [("320 px wide", (320, 640)), ("200% zoom", (640, 400))])
def test_every_page_kind_fits_small_screens_and_zoom_without_sideways_scrolling(browser, base, label, size):
    context, outside = new_context(browser, viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    too_wide = {}
    for kind, path in PAGE_KINDS.items():
        page.goto(f"{base}/{path}", wait_until="networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > size[0]:
            too_wide[kind] = width
    context.close()
    assert outside.requests == []
    assert too_wide == {}


def test_text_is_large_on_phones_and_the_larger_text_choice_persists(phone, base):
    phone.goto(f"{base}/{GUIDE}")
    size = phone.eval_on_selector(".md-typeset p", "p => parseFloat(getComputedStyle(p).fontSize)")
    assert size >= 18
    button = phone.get_by_role("button", name="Chữ to")
    assert button.is_visible()
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    larger = phone.eval_on_selector(".md-typeset p", "p => parseFloat(getComputedStyle(p).fontSize)")
    assert larger >= size * 1.2
    phone.goto(f"{base}/{OTHER_GUIDE}")
    assert phone.get_by_role("button", name="Chữ to").get_attribute("aria-pressed") == "true"
    assert phone.eval_on_selector(".md-typeset p", "p => parseFloat(getComputedStyle(p).fontSize)") == larger


def test_controls_are_large_enough_to_tap(phone, base):
    phone.goto(f"{base}/{PROVINCE}/")
    phone.click(".md-header label[for=__drawer]")
    phone.wait_for_timeout(400)  # the drawer slides in
    small = phone.evaluate(
        """selector => [...document.querySelectorAll(selector)]
             .filter(el => el.offsetParent !== null)
             .map(el => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect()])
             .filter(([, r]) => r.width > 0 && (r.height < 44 || r.width < 44))
             .map(([text, r]) => `${text}: ${Math.round(r.width)}x${Math.round(r.height)}`)""",
        ".md-header a, .md-header button, .md-header label, .md-nav--primary a.md-nav__link, "
        ".dvc-search input, .dvc-search button, .md-typeset .md-button",
    )
    assert small == []


# --- Accessibility ------------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_axe_finds_no_violation_on_any_page_kind(browser, base, viewport):
    context, outside = new_context(browser, viewport=viewport)
    page = context.new_page()
    axe = Axe()
    found = {}
    for kind, path in PAGE_KINDS.items():
        page.goto(f"{base}/{path}", wait_until="networkidle")
        violations = axe.run(page).response["violations"]
        if violations:
            found[kind] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    context.close()
    assert outside.requests == []
    assert found == {}


def test_axe_finds_no_violation_with_larger_text(browser, base):
    context, _ = new_context(browser)
    page = context.new_page()
    page.goto(f"{base}/{GUIDE}")
    page.get_by_role("button", name="Chữ to").click()
    assert Axe().run(page).response["violations"] == []
    context.close()


def test_every_page_names_its_language(built_demo):
    pages = [p for p in Path(built_demo.out).rglob("*.html")]
    assert pages
    assert [p for p in pages if '<html lang="vi"' not in p.read_text("utf-8")[:500]] == []


def test_checking_a_leaflet_code_names_its_guide_and_refuses_a_wrong_one(phone, base, built_demo):
    code = next(p.split("/")[1] for p in built_demo.files if p.startswith("q/") and p.endswith("index.html"))
    target = built_demo.files[f"q/{code}/index.html"]
    phone.goto(f"{base}/kiem-tra-to-roi/")
    phone.fill("#code", code.upper())
    phone.click("#check-code button")
    phone.wait_for_selector("#check-result .dvc-check-good")
    result = phone.inner_text("#check-result")
    assert f"Mã {code} là mã thật" in result
    assert target["province"] and "Tỉnh, thành phố" in result
    phone.fill("#code", code[:-1] + ("0" if code[-1] != "0" else "1"))  # the check character no longer matches
    phone.click("#check-code button")
    phone.wait_for_selector("#check-result .dvc-check-bad")
    assert "Mã không đúng" in phone.inner_text("#check-result")
