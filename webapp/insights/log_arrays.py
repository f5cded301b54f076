"""Query results as numpy arrays, and rows matched between arrays.

Reports read aggregates of millions of events; these turn them into arrays in
bounded chunks, without a Python object per value kept around.
"""

from datetime import datetime

import numpy as np


def fetch_arrays(result, n_numbers: int, text_columns: int = 0, chunk: int = 200_000):
    """Rows as a float array of the first `n_numbers` columns (NULL -> 0) and an object
    array of the text columns after them, read in chunks to bound memory."""
    numeric, texts = [], []
    for part in result.partitions(chunk):
        block = np.array([row[:n_numbers] for row in part], dtype=object)
        block[block == None] = 0
        numeric.append(block.astype(float))
        if text_columns:
            texts.append(np.array([row[n_numbers:] for row in part], dtype=object))
    numbers = np.vstack(numeric) if numeric else np.zeros((0, n_numbers))
    words = np.vstack(texts) if texts else np.zeros((0, text_columns), dtype=object)
    return numbers, words


def row_keys(rows: np.ndarray) -> np.ndarray:
    """One comparable value per row of an int64 matrix (for matching rows between arrays)."""
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))).ravel()


def as_datetime(value) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value.replace(tzinfo=None) if value.tzinfo else value
