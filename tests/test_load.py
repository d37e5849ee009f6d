"""Stage 1, load: YAML text -> plain data with line numbers, refusing what content never needs."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from generator.errors import ContentError, ContentErrors
from generator.load import decode, load_content, parse_yaml

NAME = "content/guides/thu.yml"
BOM = b"\xef\xbb\xbf"


def parse(text: str) -> dict:
    data, _ = parse_yaml(text, NAME)
    return data


def parse_errors(text: str) -> list[ContentError]:
    with pytest.raises(ContentErrors) as caught:
        parse_yaml(text, NAME)
    return caught.value.errors


def decode_errors(raw: bytes) -> list[ContentError]:
    with pytest.raises(ContentErrors) as caught:
        decode(raw, NAME)
    return caught.value.errors


def the_error(errors: list[ContentError]) -> ContentError:
    assert len(errors) == 1, errors
    return errors[0]


def put(root: Path, relative: str, data: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --- YAML syntax and the features content never needs -----------------------------------


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("slug: a\nsummary: b\ntitle: Đăng ký: khai sinh\n", 3, "mapping values are not allowed"),
        ("slug: a\ntitle: b\n  summary: c\nfield: d\n", 3, "mapping values are not allowed"),
        ("slug: a\nkeywords: [a, b\nfield: d\n", 3, "did not find expected ',' or ']'"),
    ],
    ids=["colon-inside-a-value", "bad-indentation", "unclosed-flow-list"],
)
def test_yaml_syntax_error_reports_the_line_of_the_problem(text, line, problem):
    error = the_error(parse_errors(text))
    assert (error.file, error.line, error.field) == (NAME, line, "")
    assert error.message.startswith("YAML syntax error: ")
    assert problem in error.message


def test_duplicate_key_is_reported_at_the_second_line_and_names_the_first():
    error = the_error(parse_errors("slug: a\ntitle: b\nsummary: c\ntitle: d\n"))
    assert (error.file, error.line, error.field) == (NAME, 4, "title")
    assert error.message == "duplicate key 'title' (first given on line 2)"


def test_duplicate_key_in_a_nested_mapping_names_both_lines():
    text = "steps:\n  - title: a\n    body: b\n    title: c\n"
    error = the_error(parse_errors(text))
    assert (error.line, error.field) == (4, "steps[0].title")
    assert "first given on line 2" in error.message


def test_alias_is_refused():
    error = the_error(parse_errors("a: &x 1\nb: *x\n"))
    assert error.field == "b"
    assert "YAML aliases (*name) are not allowed" in error.message


def test_alias_error_points_at_the_line_that_uses_the_alias():
    # The value of b is written on line 2 (`b: *x`); line 1 is where a, not b, is written.
    error = the_error(parse_errors("a: &x 1\nb: *x\n"))
    assert (error.line, error.field) == (2, "b")


def test_alias_of_a_whole_mapping_is_refused():
    text = "image: &img\n  src: images/a.png\n  alt: A\nsteps:\n  - image: *img\n"
    error = the_error(parse_errors(text))
    assert error.field == "steps[0].image"
    assert "not allowed" in error.message


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!python/object:os.system ls", "tag:yaml.org,2002:python/object:os.system"),
        ("!!python/object/apply:os.system [ls]", "tag:yaml.org,2002:python/object/apply:os.system"),
        ("!custom 1", "!custom"),
    ],
    ids=["python-object", "python-apply", "local-tag"],
)
def test_explicit_tag_is_refused(value, tag):
    error = the_error(parse_errors(f"slug: a\ntitle: {value}\n"))
    assert (error.line, error.field) == (2, "title")
    assert error.message == f"YAML tag {tag!r} is not allowed"


def test_empty_file_is_an_error():
    error = the_error(parse_errors("# only a comment\n"))
    assert (error.file, error.line) == (NAME, 1)
    assert error.message == "the file is empty"


def test_every_problem_in_a_file_is_reported_not_only_the_first():
    errors = parse_errors("a: 1\na: 2\nb: !custom x\nc:\n  d: 1\n  d: 2\n")
    assert [(e.line, e.field) for e in errors] == [(2, "a"), (3, "b"), (6, "c.d")]


# --- Scalars stay text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("NO", "NO"),
        ("yes", "yes"),
        ("off", "off"),
        ("0123", "0123"),
        ("1.50", "1.50"),
        ("1e3", "1e3"),
        ("0x1F", "0x1F"),
        ("7:30", "7:30"),
        ("2026-11-22", "2026-11-22"),
        ("'~'", "~"),
        ('""', ""),
        ("'null'", "null"),
    ],
)
def test_scalars_stay_text_as_written(written, expected):
    assert parse(f"value: {written}\n") == {"value": expected}


def test_plain_tilde_null_and_empty_values_become_none():
    assert parse("a: ~\nb:\nc: null\nd: x\n") == {"a": None, "b": None, "c": None, "d": "x"}


def test_list_items_keep_their_own_lines():
    data, lines = parse_yaml("slug: a\nsteps:\n  - title: x\n  - title: y\n    body: z\n", NAME)
    assert data == {"slug": "a", "steps": [{"title": "x"}, {"title": "y", "body": "z"}]}
    assert lines[("steps", 1, "body")] == 5
    assert lines[("steps", 0)] == 3


# --- Bytes to text --------------------------------------------------------------------------


def test_utf8_bom_is_dropped():
    assert decode(BOM + "slug: khai-sinh\ntitle: Đăng ký\n".encode(), NAME) == "slug: khai-sinh\ntitle: Đăng ký\n"


def test_utf8_bom_does_not_shift_line_numbers():
    text = decode(BOM + b"slug: a\ntitle: b\ntitle: c\n", NAME)
    error = the_error(parse_errors(text))
    assert error.line == 3


def test_non_utf8_bytes_are_reported_at_the_line_of_the_bad_byte():
    raw = b"slug: khai-sinh\nfield: H\xe1\xbb\x99 t\xe1\xbb\x8bch\ntitle: " + "Đăng".encode("cp1258") + b" ky\n"
    error = the_error(decode_errors(raw))
    assert (error.file, error.line, error.field) == (NAME, 3, "")
    assert error.message == "not UTF-8 text (byte 0xd0); save the file as UTF-8"


def test_nfd_text_comes_out_nfc():
    nfd = unicodedata.normalize("NFD", "Tiếng Việt")
    assert len(nfd) > 10
    text = decode(f"title: {nfd}\n".encode(), NAME)
    data = parse(text)
    assert data == {"title": "Tiếng Việt"}
    assert len(data["title"]) == 10
    assert unicodedata.is_normalized("NFC", data["title"])


def test_parse_yaml_normalises_nfd_values_and_keys_itself():
    nfd = unicodedata.normalize("NFD", "Tiếng Việt")
    data = parse(f"title: {nfd}\ntags: [{nfd}]\n")
    assert data == {"title": "Tiếng Việt", "tags": ["Tiếng Việt"]}
    assert [len(data["title"]), len(data["tags"][0])] == [10, 10]


# --- The content folder -------------------------------------------------------------------


def test_load_content_reads_documents_and_assets(tmp_path):
    content = tmp_path / "content"
    put(content, "guides/khai-sinh.yml", "slug: khai-sinh\ntitle: Đăng ký khai sinh\n")
    put(content, "faqs/chung.yml", BOM + b"slug: chung\n")
    put(content, "images/a.png", b"\x89PNG")
    loaded = load_content(content)
    assert loaded.errors == []
    assert [(d.name, d.kind, d.data) for d in loaded.documents] == [
        ("content/faqs/chung.yml", "faqs", {"slug": "chung"}),
        ("content/guides/khai-sinh.yml", "guides", {"slug": "khai-sinh", "title": "Đăng ký khai sinh"}),
    ]
    assert list(loaded.assets) == ["images/a.png"]


def test_unknown_content_folder_is_an_error(tmp_path):
    content = tmp_path / "content"
    put(content, "huong-dan/khai-sinh.yml", "slug: khai-sinh\n")
    loaded = load_content(content)
    assert loaded.documents == []
    error = the_error(loaded.errors)
    assert (error.file, error.line) == ("content/huong-dan", None)
    expected = "provinces, guides, faqs, quiz, results, images"
    assert error.message == f"unknown content folder 'huong-dan'; expected one of: {expected}"


def test_file_that_is_not_yml_is_an_error(tmp_path):
    content = tmp_path / "content"
    put(content, "guides/khai-sinh.yml", "slug: khai-sinh\n")
    put(content, "guides/ghi-chu.txt", "slug: ghi-chu\n")
    loaded = load_content(content)
    assert [d.name for d in loaded.documents] == ["content/guides/khai-sinh.yml"]
    error = the_error(loaded.errors)
    assert (error.file, error.line) == ("content/guides/ghi-chu.txt", None)
    assert "not a content file" in error.message


def test_load_content_collects_errors_from_every_file(tmp_path):
    content = tmp_path / "content"
    put(content, "guides/a.yml", "slug: a\ntitle: Đăng ký: khai sinh\n")
    put(content, "guides/b.yml", "slug: b\nslug: c\n")
    put(content, "guides/c.yml", "slug: c\n")
    put(content, "guides/d.txt", "slug: d\n")
    put(content, "faqs/e.yml", b"slug: e\n\ntitle: caf\xe9\n")
    put(content, "provinces/f.yml", "slug: !custom f\n")
    put(content, "thu-muc-la/g.yml", "slug: g\n")
    loaded = load_content(content)
    assert [d.name for d in loaded.documents] == ["content/guides/c.yml"]
    found = sorted((e.file, e.line, e.field) for e in loaded.errors)
    assert found == [
        ("content/faqs/e.yml", 3, ""),
        ("content/guides/a.yml", 2, ""),
        ("content/guides/b.yml", 2, "slug"),
        ("content/guides/d.txt", None, ""),
        ("content/provinces/f.yml", 1, "slug"),
        ("content/thu-muc-la", None, ""),
    ]


def test_missing_content_folder_is_an_error(tmp_path):
    with pytest.raises(ContentErrors) as caught:
        load_content(tmp_path / "content")
    assert the_error(caught.value.errors).message == "content folder not found"
