"""The search index of one province site (tim-kiem.json), read by theme/.../dvc.js in the browser.

People type without diacritics, in NFD from some keyboards, with đ as d, with either tone
placement (hoà/hòa) and in abbreviations (CCCD, GPLX). The index keeps each page's text in its
proper spelling; the browser folds index and query the same way as `fold` below, so the
results can still show real titles. It holds what finds a guide (title, keywords, field,
summary, FAQ questions, step titles), not whole page bodies: about 1 KB per guide.
"""

from __future__ import annotations

import json
import re
import unicodedata

from ..models import SiteConfig
from ..plan import SitePlan

INDEX_NAME = "tim-kiem.json"
_MARKS = re.compile("[\u0300-\u036f]")
# Syllables written with i or y after a consonant are the same word: ký/kí, lý/lí, quý/quí, mỹ/mĩ.
_FINAL_Y = re.compile(r"\b(qu|[bcdghklmnprstvx]h?)y\b")
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lowercase ASCII form of any normalisation form: no tone or vowel marks, đ -> d, ký -> ki.

    Must match `fold` in dvc.js (tests/test_search.py runs both over every word of the content).
    """
    text = _MARKS.sub("", unicodedata.normalize("NFD", text)).replace("đ", "d").replace("Đ", "D").lower()
    return _FINAL_Y.sub(r"\1i", text)


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def search_index(site: SitePlan, config: SiteConfig) -> dict:
    """Records [url, title, keywords, field, summary, questions and step titles] ("|" joins lists)."""
    abbreviations = config.search.all_abbreviations
    docs = []
    for page in site.pages:
        if page.kind == "guide":
            guide = page.context["guide"]
            keywords = list(dict.fromkeys(guide.keywords))
            text = words(" ".join([guide.title, guide.summary, *guide.keywords]))
            keywords += [a for a, full in abbreviations.items() if a not in keywords and _contains(text, words(full))]
            extra = [entry.question for entry in guide.faqs] + [step.title for step in guide.steps]
            docs.append([page.url, guide.title, "|".join(keywords), guide.field, guide.summary, "|".join(extra)])
        elif page.kind == "faq":
            docs.append([page.url, page.title, "", "", "", "|".join(e.question for e in page.context["entries"])])
        elif page.kind == "help":
            places = "|".join(["địa chỉ", "số điện thoại", "đường dây nóng", "tình nguyện", "lịch trực"])
            docs.append([page.url, page.title, "", "", "", places])
    guide_urls = {d[0] for d in docs}
    best = {}
    for query, slug in config.search.best_bets.items():
        url = f"huong-dan/{slug}/"
        if url in guide_urls:  # a best bet for a guide this province does not have is left out
            best[" ".join(words(query))] = url
            if query in abbreviations:
                best[" ".join(words(abbreviations[query]))] = url
    return {
        "abbr": {" ".join(words(a)): " ".join(words(full)) for a, full in abbreviations.items()},
        "best": best,
        "docs": docs,
    }


def search_index_json(site: SitePlan, config: SiteConfig) -> bytes:
    index = search_index(site, config)
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
