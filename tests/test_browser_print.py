"""Printing a guide page from a real browser (Debian's Chromium) gives a clean document:
no navigation, the steps in full, and the address of every link written out."""

from __future__ import annotations

import re
import subprocess

import pytest

from generator.build import BuildOptions, build, check
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

PROVINCE = "vinh-long"
GUIDE = "lien-thong-khai-sinh"


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The guide page printed to PDF by headless Chromium, as text without line breaks."""
    folder = tmp_path_factory.mktemp("browser-print")
    out = folder / "site"
    options = BuildOptions(
        content=ROOT / "content", config=ROOT / "site_config.yml", out=out, province=PROVINCE, skip_kit=True
    )
    build(options, progress=lambda message: None)
    page = out / PROVINCE / "huong-dan" / GUIDE / "index.html"
    pdf = folder / "guide.pdf"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return check(options), out, text


def squeezed(text: str) -> str:
    """Without any whitespace: pdftotext breaks long URLs and lines wherever the layout did."""
    return re.sub(r"\s+", "", text)


def test_printed_guide_has_every_step_and_no_navigation(printed):
    content, _, text = printed
    guide = next(g for g in content.guides if g.slug == GUIDE)
    flat = squeezed(text)
    assert squeezed(guide.title) in flat
    for number, step in enumerate(guide.steps, start=1):
        assert squeezed(f"Bước {number}. {step.title}") in flat
    # The sidebar lists every guide of the province; on paper only the page itself remains.
    linked_from_page = {slug for faq in guide.faqs for slug in faq.related_guides}
    others = [g for g in content.guides if g.slug != GUIDE and g.slug not in linked_from_page]
    assert others
    for other in others:
        assert squeezed(other.title) not in flat, other.slug
    # Download lists are useless on paper; the QR code and its short address stay.
    assert "(PDF)" not in text
    assert "/q/" in text


def test_printed_links_show_where_they_lead(printed):
    content, out, text = printed
    flat = squeezed(text)
    guide = next(g for g in content.guides if g.slug == GUIDE)
    assert squeezed(f"{guide.online_label} ({guide.online_url})") in flat
    # A link to another page of the site is written out in full, not as a relative path.
    help_page = (out / PROVINCE / "ho-tro-truc-tiep").as_uri() + "/"
    assert squeezed(f"({help_page})") in flat
    # The page says where it was printed from, so a photocopy leads back to it.
    site_url = str(content.config.base_url).rstrip("/")
    assert f"{site_url}/{PROVINCE}/huong-dan/{GUIDE}/" in flat
