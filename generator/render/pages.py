"""Page sources: each planned page becomes Markdown through a Jinja2 template.

The Markdown is engine-neutral (Python-Markdown with attr_list, admonition,
tables, tasklist), so a site engine other than MkDocs can consume it.
"""

from __future__ import annotations

import posixpath
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from ..errors import ContentError, ContentErrors
from ..links import ContentLink, resolve_links
from ..models import SiteConfig
from ..plan import Page, PostJob, SitePlan
from ..text import format_date, format_vnd, slugify
from .posts import PostError, post_text
from .structured import faq_jsonld, guide_jsonld


@cache
def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,  # content text is data; only Markdown fields are marked as such
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        date=format_date,
        vnd=format_vnd,
        slug=slugify,
        host=lambda url: urlsplit(str(url)).hostname or str(url),
        lower_first=lambda text: text[:1].lower() + text[1:],
        tel=lambda number: "".join(ch for ch in number if ch.isdigit()),
    )
    env.globals.update(post_text=_post_text)
    return env


def _post_text(job: PostJob, config: SiteConfig) -> str:
    """A post's text for a page (the kit shows each one to copy): a post that cannot fit is a
    content error, reported like the build's own when it writes the post's file."""
    try:
        return post_text(job, config)
    except PostError as exc:
        raise ContentErrors([ContentError(job.source or "", None, "", str(exc))]) from None


def render_page(page: Page, templates: Path) -> str:
    """The Markdown source of one page."""
    here = posixpath.dirname(page.path)

    def href(target: str) -> str:
        """Link from this page to another file of the same site, as a relative path."""
        return posixpath.relpath(target, here or ".")

    def md(markdown: str) -> Markup:
        """Author Markdown, with guide:/faq: links turned into relative page paths."""

        def path(link: ContentLink) -> str:
            target, _, anchor = page.context["link_targets"][(link.scheme, link.name)].partition("#")
            return href(target) + (link.anchor or (f"#{anchor}" if anchor else ""))

        return Markup(resolve_links(markdown, path))

    province = page.context.get("province")
    here_in_output = posixpath.join(province.slug if province else "", page.url)

    def out_href(target: str) -> str:
        """Link to a file that is not a page (a PDF, an image), given relative to the output root."""
        return posixpath.relpath(target, here_in_output or ".") + ("/" if target.endswith("/") else "")

    config = page.context["config"]
    url = f"{config.base}/{posixpath.join(province.slug if province else '', page.url)}"
    template = environment(templates).get_template(page.template)
    return template.render(
        page=page,
        href=href,
        md=md,
        out_href=out_href,
        page_url=url,
        guide_jsonld=guide_jsonld,
        faq_jsonld=faq_jsonld,
        **page.context,
    )


def render_pages(site: SitePlan, templates: Path) -> dict[str, str]:
    return {page.path: render_page(page, templates) for page in site.pages}
