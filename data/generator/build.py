"""One entry point: generate the world and write it."""

from __future__ import annotations

import shutil
from pathlib import Path

from data.generator.register import Generator
from data.generator.writer import summary, write_directories, write_register, write_world_json


def build(out: Path, *, seed: int, years: int, per_year: int, render: int = 0, workers: int = 2) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed, years, per_year)
    from data.generator.render import pick

    rows, stats = gen.rows(keep_letters=lambda n: set(pick(n, seed, render)) if render else set())
    write_register(rows, out)
    write_directories(gen, out)
    params = {
        "seed": seed,
        "years": years,
        "per_year": per_year,
        "render": render,
        "end": gen.end.isoformat(),
    }
    data = summary(gen, rows, stats, params)
    if (out / "rendered").exists():
        shutil.rmtree(out / "rendered")  # no stale files from an earlier run in the manifest's folder
    if render:
        from data.generator.render import render_sample

        data["rendered"] = render_sample(rows, out / "rendered", seed=seed, count=render, workers=workers)
    write_world_json(data, out)
    return data
