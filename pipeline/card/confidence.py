"""Calibrated confidence of a rule: how often that rule was right for that field on held-out data.

`calibration.json` (next to this module) holds, per field and rule, [correct, total] counted by
`training.card_eval.calibrate` on an older part of a generated register, never on the period the figures
are reported for. The confidence is the Laplace-smoothed precision (correct + 1) / (total + 2): a rule
never measured gets 0.5, which is below the default review threshold, so the clerk checks it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")


@lru_cache(maxsize=4)
def load_table(path: str = str(CALIBRATION_PATH)) -> dict[str, dict[str, list[int]]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
    return data.get("fields", {}) if isinstance(data, dict) else {}


def rule_confidence(field: str, rule: str, table: dict | None = None) -> float:
    table = load_table() if table is None else table
    correct, total = table.get(field, {}).get(rule, [0, 0])
    return round((correct + 1) / (total + 2), 4)
