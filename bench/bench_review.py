"""The clerk's effort on the review page: clicks and keystrokes to verify a right card and a card with one
wrong field, counted by driving the page in the system Chromium (tests/test_web_browser.py). Also writes
the review screenshot docs/review-screen.png. Needs Chromium (`make browser`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(results_dir: Path) -> dict:
    results_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DOCKET_REVIEW_RESULTS": str(results_dir.resolve()), "OMP_THREAD_LIMIT": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_web_browser.py"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    path = results_dir / "review.json"
    if done.returncode != 0 or " passed" not in done.stdout:
        print(done.stdout[-3000:])
        raise RuntimeError("the browser run failed or was skipped (is Chromium installed? `make browser`)")
    figures = json.loads(path.read_text(encoding="utf-8"))
    print(f"{'case':<20}{'clicks':>8}{'keys':>8}{'actions':>9}")
    for case in ("card_right", "one_field_wrong"):
        row = figures[case]
        print(f"{case:<20}{row['clicks']:>8}{row['keystrokes']:>8}{row['actions']:>9}")
    print(f"lowest text contrast on the review page: {figures['lowest_text_contrast_review']}")
    return figures
