"""The HTML a page's Markdown becomes, cleaned before the theme wraps it.

Python-Markdown passes raw HTML through, and attr_list lets `{: onclick=... }` add any
attribute, so an edit to a content file could put a script on a government page. Every
page body goes through nh3 (Rust's ammonia) with an allow-list of what the page templates
and content need: text structure, tables, admonitions and details, figures and pictures
from the site itself, links, and the search and check forms. Scripts, styles, frames, event
handlers, `style` attributes (but a table column's text-align) and `javascript:`, `data:` or
`vbscript:` addresses do not survive.
The theme's own scripts (dvc.js, JSON-LD) are added around the body, not inside it.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

import nh3

from ..links import as_browser_reads

TAGS = {
    *("a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em"),
    *("figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd"),
    *("li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup"),
    *("table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "time"),
    *("form", "label", "input", "button", "fieldset", "legend"),  # search, leaflet check, checklist, quiz
}
ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "role", "tabindex", "hidden"},
    "a": {"href", "download", "hreflang", "type"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan", "align", "style"},  # style: only text-align survives (Markdown table columns)
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start", "type", "reversed"},
    "details": {"open"},
    "time": {"datetime"},
    "form": {"action", "method", "autocomplete"},
    "label": {"for"},
    "button": {"type"},
    "input": {
        *("type", "name", "value", "checked", "disabled", "required", "placeholder", "autocomplete"),
        *("inputmode", "autocapitalize", "spellcheck", "maxlength", "enterkeyhint"),
    },
}
URL_SCHEMES = {"https", "http", "tel", "mailto"}
_URL_ATTRIBUTES = {"href", "src", "action"}


_INPUT_TYPES = {"checkbox", "radio", "search", "text"}


def _keep(tag: str, attribute: str, value: str) -> str | None:
    """Pictures come from the site itself and forms send to the site itself: such an address with
    a scheme or host is dropped. Inputs are check boxes, radio buttons (the quiz) and text fields,
    never password fields."""
    if (tag, attribute) in {("img", "src"), ("form", "action")}:
        seen = as_browser_reads(value)
        parts = urlsplit(seen)
        if parts.scheme or parts.netloc or seen.startswith("//"):
            return None
    if tag == "input" and attribute == "type" and value.strip().lower() not in _INPUT_TYPES:
        return None
    if attribute in _URL_ATTRIBUTES and urlsplit(as_browser_reads(value)).scheme.lower() not in {"", *URL_SCHEMES}:
        return None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        generic_attribute_prefixes={"data-", "aria-"},
        attribute_filter=_keep,
        link_rel=None,  # leave links as written; outbound ones are held to the allow-list at check time
        strip_comments=True,
        clean_content_tags={"script", "style"},
        filter_style_properties={"text-align"},
    )


def clean_html(html: str) -> str:
    """Page-body HTML with everything outside the allow-list removed; clean_html(clean_html(x)) == clean_html(x).

    Dropping a container can leave its children nested as HTML does not allow (`<p><applet><p>`),
    which a browser (and the next pass) parses differently: cleaned again until nothing changes.
    """
    for _ in range(5):
        cleaned = _cleaner().clean(html)
        if cleaned == html:
            return cleaned
        html = cleaned
    return html
