"""Bulk import of titles from a CSV file: read, validate every row, then save all or nothing.

Row numbers count the header as row 1, as spreadsheets show them. Lists inside a
cell (genres, keywords, people, season sizes) are separated by "|"; a cast entry
may name the character played: "Al Pacino (Vincent Hanna)". Genres must
already exist; people and keywords are added as needed.
"""

import csv
import io

from webapp.admin import fields as f
from webapp.admin.csv_rows import ImportPlan, RowChecker, RowError
from webapp.catalog.service import Catalog
from webapp.models import Title

COLUMNS = (
    "kind",
    "name",
    "year",
    "runtime_minutes",
    "maturity_rating",
    "genres",
    "keywords",
    "directors",
    "creators",
    "cast",
    "synopsis",
    "ai_use",
    "ai_use_note",
    "seasons",
)
OPTIONAL_COLUMNS = ("end_year", "mood")
REQUIRED_COLUMNS = ("kind", "name")
MAX_ROWS = 2000
MAX_EPISODES_PER_FILE = 50_000


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message is safe to show."""


def size_label(n: int) -> str:
    """A byte count as people read it: "2 MB", "512 KB"."""
    return f"{n / 1024 / 1024:g} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def decode(data: bytes, max_bytes: int) -> str:
    """The file's text: UTF-8 with or without a BOM, within the size limit."""
    if len(data) > max_bytes:
        raise ImportFileError(
            f"The file is larger than {size_label(max_bytes)}. Split it and import the parts."
        )
    if not data.strip():
        raise ImportFileError("The file is empty.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            "The file is UTF-16 text. Save it as “CSV UTF-8” and upload it again."
        )
    if b"\x00" in data:
        raise ImportFileError("The file contains NUL bytes: it is not a CSV text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (unreadable byte at position {exc.start}). "
            "Save it as “CSV UTF-8” and upload it again."
        ) from exc


def _delimiter(text: str) -> str:
    """Commas, unless the header plainly uses semicolons or tabs (some spreadsheets' CSV)."""
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    return ";" if ";" in header else ("\t" if "\t" in header else ",")


def _header(raw: list[str]) -> list[str]:
    names = [f.squash(name).lower().replace(" ", "_") for name in raw]
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    unknown = [n for n in names if n and n not in known]
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    problems = []
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(repr(n[:40]) for n in unknown[:10])}")
    if doubled:
        problems.append(f"repeated column(s): {', '.join(doubled)}")
    if problems:
        raise ImportFileError(
            "The header row has "
            + "; ".join(problems)
            + f". Expected columns: {', '.join(COLUMNS)}."
        )
    return names


def plan_import(text: str) -> ImportPlan:
    """Read and check every row; the plan holds a TitleSpec per row, or the errors."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    plan = ImportPlan()
    checker = RowChecker()
    header: list[str] | None = None
    row_number = 1
    try:
        for index, raw in enumerate(reader):
            row_number = index + 1
            if header is None:
                header = _header(raw)
                continue
            if not any(cell.strip() for cell in raw):
                continue
            plan.rows_read += 1
            if plan.rows_read > MAX_ROWS:
                raise ImportFileError(
                    f"The file has more than {MAX_ROWS} rows. Split it and import the parts."
                )
            if len(raw) > len(header):
                message = f"has {len(raw)} values but the header has {len(header)} columns."
                plan.errors.append(RowError(row_number, "(whole row)", message))
                continue
            values = dict(zip(header, raw + [""] * (len(header) - len(raw))))
            spec = checker.check(row_number, values, plan.errors)
            if spec is not None:
                plan.specs.append(spec)
    except csv.Error as exc:
        raise ImportFileError(f"Row {row_number + 1} cannot be read as CSV ({exc}).") from exc
    if plan.rows_read == 0:
        raise ImportFileError("The file has no rows to import below its header.")
    if checker.episodes > MAX_EPISODES_PER_FILE:
        raise ImportFileError(
            f"The file would add more than {MAX_EPISODES_PER_FILE} episodes. Split it."
        )
    checker.check_existing(plan)
    if plan.errors:
        plan.specs = []
    return plan


def save(plan: ImportPlan) -> list[Title]:
    """Create every planned title through the catalog service (the caller commits)."""
    catalog = Catalog()
    return [catalog.create_title(spec) for spec in plan.specs]
