"""Outreach results: what communication staff report per province, commune and period, against targets.

One CSV file per province, content/results/<province-slug>.csv, read into rows by load.py. Here each
row is checked (every problem reported at once, like the rest of validate.py) and the rows are
gathered into ProvinceResults for the charts.

Periods sort by the day they start; when two start on the same day, the longer comes first, so a
year comes before its first quarter, and a quarter before its first month: 2026, 2026-Q1, 2026-01.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from .errors import ContentError

if TYPE_CHECKING:
    from .load import Document


@dataclass(frozen=True)
class Measure:
    key: str  # the CSV column, e.g. "dossiers_supported"
    label: str  # Vietnamese, for charts
    unit: str


MEASURES: tuple[Measure, ...] = (
    Measure("dossiers_supported", "Hồ sơ được hỗ trợ nộp trực tuyến", "hồ sơ"),
    Measure("people_guided", "Lượt người dân được hướng dẫn", "lượt người"),
    Measure("accounts_created", "Tài khoản định danh điện tử được kích hoạt", "tài khoản"),
    Measure("volunteers_trained", "Đoàn viên, tình nguyện viên được tập huấn", "người"),
)
MEASURE_KEYS = tuple(m.key for m in MEASURES)
KEY_COLUMNS = ("period", "commune", "type")
COLUMNS = KEY_COLUMNS + MEASURE_KEYS
TYPES = ("target", "actual")


@dataclass(frozen=True)
class Figures:
    actual: dict[str, int]  # measure key -> value, only the measures given, in MEASURES order
    target: dict[str, int]


@dataclass(frozen=True)
class PeriodResults:
    period: str  # as written, e.g. "2026-Q4"
    label: str  # "Quý IV/2026"
    province: Figures  # the province's own row of each type, or else the sum over its communes
    communes: dict[str, Figures]  # commune slug -> figures, in the province file's order; only communes with rows


@dataclass(frozen=True)
class ProvinceResults:
    province: str  # slug
    source: str  # e.g. content/results/vinh-long.csv
    periods: list[PeriodResults]  # chronological: see the module docstring


# --- periods -------------------------------------------------------------------------------

_PERIOD = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?")
_ROMAN = ("I", "II", "III", "IV")
PERIOD_FORMS = "YYYY-MM (a month, e.g. 2026-11), YYYY-Qn (a quarter, e.g. 2026-Q4) or YYYY (a year, e.g. 2026)"


def _span(period: str) -> tuple[int, int, int] | None:
    """(year, first month, number of months), or None if the period is not written in an accepted form."""
    match = _PERIOD.fullmatch(period)
    if match is None:
        return None
    year, month, quarter = match.groups()
    if month:
        return int(year), int(month), 1
    if quarter:
        return int(year), 3 * int(quarter) - 2, 3
    return int(year), 1, 12


def _checked_span(period: str) -> tuple[int, int, int]:
    span = _span(period)
    if span is None:
        raise ValueError(f"not a period: {period!r}; write {PERIOD_FORMS}")
    return span


def period_sort_key(period: str) -> tuple[int, int, int]:
    """By start date, the longer period first when two start together."""
    year, month, months = _checked_span(period)
    return year, month, -months


def period_label(period: str) -> str:
    """'2026-11' -> 'Tháng 11/2026', '2026-Q4' -> 'Quý IV/2026', '2026' -> 'Năm 2026'."""
    year, month, months = _checked_span(period)
    if months == 1:
        return f"Tháng {month}/{year}"
    if months == 3:
        return f"Quý {_ROMAN[month // 3]}/{year}"
    return f"Năm {year}"


# --- checking rows -------------------------------------------------------------------------

_COUNT = re.compile(r"\d+|\d{1,3}([., \u00a0\u202f])\d{3}(?:\1\d{3})*")  # thousands: . , space, no-break spaces


@dataclass(frozen=True)
class _Row:
    period: str
    commune: str  # "" for the province as a whole
    type: str
    values: dict[str, int]


def _count(text: str) -> int | None:
    """'3.000', '3,000', '3 000' or '3000' -> 3000; None for anything that is not a whole number."""
    return int(re.sub(r"\D", "", text)) if _COUNT.fullmatch(text) else None


def _suggestion(word: str, candidates: Sequence[str]) -> str:
    """As validate._suggestion (which imports this module, so it cannot be imported here)."""
    close = difflib.get_close_matches(word, candidates, n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f"; expected one of: {', '.join(candidates)}" if candidates else ""


def _error(doc: Document, loc: tuple, column: str, message: str) -> ContentError:
    # Not doc.error(): authors read the column name, not a path such as [3].period.
    return ContentError(doc.name, doc.line_of(loc), column, message)


def _period_problem(period: str) -> str:
    if not period:
        return f"the period is missing; write {PERIOD_FORMS}"
    looks_like_a_date = re.fullmatch(r"\d{1,2}/(\d{1,2}/)?\d{2,4}", period)
    hint = "; Excel turned it into a date: format the column as Text and type it again" if looks_like_a_date else ""
    return f"write the period as {PERIOD_FORMS} (got {period!r}){hint}"


def _row_problems(cells: dict[str, str], province: str, communes: Sequence[str] | None) -> list[tuple[str, str]]:
    """(column, message) for each cell of one row that is wrong."""
    period, commune, kind = (cells[c] for c in KEY_COLUMNS)
    problems = []
    if _span(period) is None:
        problems.append(("period", _period_problem(period)))
    if commune and communes is not None and commune not in communes:
        known = _suggestion(commune, communes) or f"; {province} lists no communes"
        problems.append(("commune", f"unknown commune {commune!r} of {province}{known}"))
    if kind not in TYPES:
        problems.append(("type", f"write target or actual (got {kind!r})"))
    for key in (k for k in MEASURE_KEYS if cells.get(k)):
        value = _count(cells[key])
        if value is None:
            if cells[key].startswith("-"):
                problems.append((key, f"a count cannot be negative (got {cells[key]!r})"))
            else:
                problems.append((key, f"write a whole number such as 3000, 3.000 or 3 000 (got {cells[key]!r})"))
        elif value == 0 and kind == "target":
            problems.append((key, "a target of 0 cannot be measured against; leave the cell empty if not tracked"))
    return problems


def _check_rows(doc: Document, communes: Sequence[str] | None) -> tuple[list[_Row], list[ContentError]]:
    """The rows of one results file; communes is None when the province's communes are not known."""
    province = PurePosixPath(doc.name).stem
    header = [loc[0] for loc in doc.lines if len(loc) == 1 and isinstance(loc[0], str)]  # see load.parse_csv
    missing = [c for c in KEY_COLUMNS if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    errors = [_error(doc, (c,), c, f"unknown column {c!r}{_suggestion(c, COLUMNS)}") for c in unknown]
    errors += [_error(doc, (), c, "required column is missing") for c in missing]
    if missing:
        return [], errors
    rows: list[_Row] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for i, cells in enumerate(doc.data):
        problems = _row_problems(cells, province, communes)
        errors += [_error(doc, (i, column), column, message) for column, message in problems]
        key = period, commune, kind = tuple(cells[c] for c in KEY_COLUMNS)
        if any(column in KEY_COLUMNS for column, _ in problems):
            continue
        if key in first_line:
            where = f"commune {commune}" if commune else "the province as a whole"
            message = f"duplicate row: {period}, {where}, {kind} is also on line {first_line[key]}"
            errors.append(_error(doc, (i, "period"), "period", message))
            continue
        first_line[key] = doc.line_of((i,)) or 0
        values = {k: _count(cells[k]) for k in MEASURE_KEYS if cells.get(k)}
        rows.append(_Row(period, commune, kind, {k: v for k, v in values.items() if v is not None}))
    return rows, errors


# --- gathering -----------------------------------------------------------------------------


def _sum(parts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Per measure, the sum over the parts that give it."""
    parts = list(parts)
    return {k: sum(p[k] for p in parts if k in p) for k in MEASURE_KEYS if any(k in p for p in parts)}


def _gather(province: str, source: str, rows: Iterable[_Row], communes: Sequence[str]) -> ProvinceResults:
    """Checked rows -> one PeriodResults per period, in chronological order."""
    by_period: dict[str, dict[tuple[str, str], dict[str, int]]] = {}
    for row in rows:
        by_period.setdefault(row.period, {})[(row.commune, row.type)] = row.values
    periods = []
    for period in sorted(by_period, key=period_sort_key):
        given = by_period[period]
        figures = {
            c: Figures(actual=given.get((c, "actual"), {}), target=given.get((c, "target"), {}))
            for c in communes
            if (c, "actual") in given or (c, "target") in given
        }
        whole = {
            kind: given[("", kind)] if ("", kind) in given else _sum(getattr(f, kind) for f in figures.values())
            for kind in TYPES
        }
        periods.append(PeriodResults(period, period_label(period), Figures(**whole), figures))
    return ProvinceResults(province, source, periods)


def validate_results(
    documents: Iterable[Document], communes_of: Mapping[str, Sequence[str]] | None
) -> tuple[dict[str, ProvinceResults], list[ContentError]]:
    """Every results file among documents, checked and gathered.

    communes_of: province slug -> its commune slugs, for the province files that passed validation; None
    when some content file could not be read. Only the rows themselves are checked where names are not
    known, so that a broken province file does not also make every row that names one of its communes wrong.
    """
    documents = list(documents)
    # Raw slugs too, so a province file with a schema error still counts as known (as in validate.py).
    raw = [d.data.get("slug") for d in documents if d.kind == "provinces" and isinstance(d.data, dict)]
    provinces = sorted({s for s in raw if isinstance(s, str)} | set(communes_of or {}))
    results: dict[str, ProvinceResults] = {}
    errors: list[ContentError] = []
    for doc in (d for d in documents if d.kind == "results"):
        province = PurePosixPath(doc.name).stem
        if communes_of is not None and province not in provinces:
            message = f"no province {province!r}: name a results file after its province's slug"
            errors.append(ContentError(doc.name, None, "", message + _suggestion(province, provinces)))
        communes = (communes_of or {}).get(province)
        rows, row_errors = _check_rows(doc, communes)
        errors += row_errors
        if communes is not None and not row_errors:
            results[province] = _gather(province, doc.name, rows, communes)
    return dict(sorted(results.items())), errors
