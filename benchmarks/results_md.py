"""Writing benchmark figures into benchmarks/RESULTS.md, one section per owner.

A section starts at its "## " heading and runs to the next "## " heading; a
subsection ("### ") inside it is replaced in place, so reruns update figures
instead of piling them up, and other sections are left untouched.
"""

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _split(text: str, marker: str, heading: str) -> tuple[str, str, str]:
    """(before, the block starting at heading, after) for headings starting with marker."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == heading), None)
    if start is None:
        return text, "", ""
    end = next(
        (
            j
            for j in range(start + 1, len(lines))
            if lines[j].startswith(marker) or (marker == "### " and lines[j].startswith("## "))
        ),
        len(lines),
    )
    return "".join(lines[:start]), "".join(lines[start:end]), "".join(lines[end:])


def write_subsection(section: str, subsection: str, body: str) -> Path:
    """Replace (or add) `### subsection` under `## section` with body."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    heading = f"## {section}"
    before, block, after = _split(text, "## ", heading)
    if not block:
        before, block, after = text.rstrip("\n") + "\n\n", f"{heading}\n\n", ""
    sub = f"### {subsection}"
    head, old, tail = _split(block, "### ", sub)
    new = f"{sub}\n\n{body.strip()}\n\n"
    block = head + new + tail if old else block.rstrip("\n") + "\n\n" + new
    RESULTS.write_text(before + block + after)
    return RESULTS
