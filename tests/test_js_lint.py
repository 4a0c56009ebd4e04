"""The page's JavaScript passes Biome's lint and format check (biome.json), like ruff for Python:
`make test` installs Biome from package-lock.json."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIOME = ROOT / "node_modules" / ".bin" / "biome"


@pytest.mark.skipif(not BIOME.exists(), reason="Biome is not installed (make test runs npm ci)")
def test_javascript_is_lint_clean_and_formatted():
    result = subprocess.run(
        [str(BIOME), "check", "--colors=off"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
