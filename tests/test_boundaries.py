"""The generator (data/) and the pipeline share no code: a shared bug would hide itself in every figure."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEASURED = ("pipeline", "models", "training", "service")


def imported_top_levels(folder: Path) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def test_generator_imports_no_pipeline_code():
    imports = imported_top_levels(ROOT / "data")
    leaks = {name: files for name, files in imports.items() if name in MEASURED}
    assert not leaks, f"data/ imports measured code: {leaks}"


def test_pipeline_models_training_service_import_no_generator_code():
    for package in MEASURED:
        imports = imported_top_levels(ROOT / package)
        assert "data" not in imports, f"{package}/ imports the generator: {imports['data']}"
