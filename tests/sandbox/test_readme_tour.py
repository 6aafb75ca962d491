"""README's sandbox transcript is what `python -m bot sandbox --script bot/sandbox/tour.txt` prints today."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_transcript_is_reproduced_by_the_tour_script(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- tour:start -->\n```text\n(.*?)\n```\n<!-- tour:end -->", readme, re.DOTALL)
    assert block, "README.md has lost its tour transcript markers"
    run = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", "bot/sandbox/tour.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip("\n") == block.group(1)
