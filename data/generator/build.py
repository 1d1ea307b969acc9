"""One entry point: generate the world and write it."""

from __future__ import annotations

from pathlib import Path

from data.generator.register import Generator
from data.generator.writer import summary, write_directories, write_register, write_world_json


def build(out: Path, *, seed: int, years: int, per_year: int, render: int = 0, workers: int = 2) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed, years, per_year)
    rows, stats = gen.rows()
    from data.generator.render import pick

    keep = set(pick(len(rows), seed, render)) if render else set()
    for i, row in enumerate(rows):
        if i not in keep:
            del row["_letter"]  # page layout is only needed for the letters that get rendered
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
    if render:
        from data.generator.render import render_sample

        data["rendered"] = render_sample(rows, out / "rendered", seed=seed, count=render, workers=workers)
    write_world_json(data, out)
    return data
