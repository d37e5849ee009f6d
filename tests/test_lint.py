"""The code stays ruff-clean: the same check `make lint` runs."""

import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_finds_nothing():
    folders = [name for name in ("generator", "tests", "bench") if (ROOT / name).is_dir()]
    result = subprocess.run([sys.executable, "-m", "ruff", "check", *folders], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
