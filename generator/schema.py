"""JSON Schema files for the content model, so editors can complete and check content as it is typed."""

from __future__ import annotations

import json
from pathlib import Path

from .models import FaqGroup, Guide, Province, QuizBank, ShortLinkRegistry, SiteConfig

SCHEMAS = {
    "guide.schema.json": Guide,
    "province.schema.json": Province,
    "faq.schema.json": FaqGroup,
    "quiz.schema.json": QuizBank,
    "site_config.schema.json": SiteConfig,
    "short-links.schema.json": ShortLinkRegistry,
}


def schema_texts() -> dict[str, str]:
    texts = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        texts[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return texts


def export_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
