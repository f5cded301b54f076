"""CSV downloads that spreadsheets open as data, never as formulas.

Every CSV the site writes goes through here. Cells can hold text viewers typed
(searches are logged), and a spreadsheet evaluates a cell that starts with
=, +, -, @, a tab or a carriage return. Following OWASP's CSV injection
guidance, such text cells get a leading single quote, which spreadsheets read
as "this is text". Numbers the site computed stay numbers.
"""

import csv
import io
from collections.abc import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value to write: text a spreadsheet would evaluate is quoted, numbers pass as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(v) for v in header])
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue()


def csv_download(
    filename: str, header: Iterable[object], rows: Iterable[Iterable[object]]
) -> Response:
    """A CSV attachment named `filename`."""
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
