"""Structured data (schema.org JSON-LD) for search engines: a guide is a GovernmentService,
an FAQ page a FAQPage. Written as script-safe JSON for the page's <head>."""

from __future__ import annotations

import html
import json
import re

import markdown

from ..links import MARKDOWN_EXTENSIONS


def plain_text(source: str) -> str:
    """Author Markdown as the words a reader sees: no markup, links reduced to their text."""
    rendered = markdown.markdown(source, extensions=list(MARKDOWN_EXTENSIONS))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered)).split())


def script_safe(data: dict) -> str:
    """JSON that cannot end the <script> element it sits in, nor look like markup: every < is escaped."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def guide_jsonld(guide, province, url: str) -> str:
    channels = [
        {"@type": "ServiceChannel", "name": channel.channel, "processingTime": channel.processing_time}
        for channel in guide.channels
    ]
    channels[0]["serviceUrl"] = str(guide.online_url)
    return script_safe(
        {
            "@context": "https://schema.org",
            "@type": "GovernmentService",
            "name": guide.title,
            "description": guide.summary,
            "serviceType": guide.field,
            "url": url,
            "areaServed": {"@type": "AdministrativeArea", "name": f"{province.kind} {province.name}"},
            "provider": {"@type": "GovernmentOrganization", "name": guide.office},
            "audience": {"@type": "Audience", "audienceType": guide.audience},
            "availableChannel": channels,
        }
    )


def faq_jsonld(entries, url: str) -> str:
    return script_safe(
        {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "url": url,
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": entry.question,
                    "acceptedAnswer": {"@type": "Answer", "text": plain_text(entry.answer)},
                }
                for entry in entries
            ],
        }
    )
