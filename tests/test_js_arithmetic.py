"""The page renders frames; it does not recompute them (issue 13): no exp, log, square root or
sum of a frame's numbers in static/js. Every loss, perplexity, norm and share comes from the
engine through a frame field. What may stay is drawing arithmetic: a colour that follows the
square root of a value, a grid's side, a log scale's tick; such a line says so with a
`// drawing:` comment."""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for p in (ROOT / "static" / "js").rglob("*.js") if "vendor" not in p.parts)
# what would recompute a number of the model: a loss (exp, log), a norm (sqrt, hypot, a sum of
# squares), a mean (a summing reduce)
FORBIDDEN = re.compile(
    r"Math\.(?:exp|expm1|log|log1p|sqrt|hypot|pow)\s*\("
    r"|\.reduce\(\s*\(\s*\w+\s*,\s*\w+\s*\)\s*=>\s*\w+\s*\+"
    r"|\*\*\s*2\b"
)
ALLOWED = "// drawing:"


def offending_lines() -> list[str]:
    found = []
    for path in SOURCES:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, 1):
            if FORBIDDEN.search(line) and ALLOWED not in line:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_view_recomputes_a_frames_numbers():
    assert SOURCES, "no JavaScript found"
    assert offending_lines() == []


def test_the_check_finds_what_it_forbids(tmp_path, monkeypatch):
    """The patterns catch the recomputations the labs once had (a mean loss and its exp, a
    norm), and the `// drawing:` marker is what lets a drawing line pass."""
    bad = tmp_path / "bad.js"
    bad.write_text(
        "const mean = losses.reduce((a, b) => a + b, 0) / n;\n"
        "const ppl = Math.exp(mean);\n"
        "return Math.sqrt(sum);\n"
        "const side = Math.ceil(Math.sqrt(H)); // drawing: the block's side\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(sys.modules[__name__], "SOURCES", [bad])
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert [line.split(":")[1] for line in offending_lines()] == ["1", "2", "3"]
