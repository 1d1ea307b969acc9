"""Writes the world: register (parquet + csv), directories, world.json. Sorted, no timestamps: same seed,
same bytes."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path

from data.generator.register import COLUMNS, INT_COLUMNS, Generator
from data.generator.world import World


def _csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def write_register(rows: list[dict], out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with (out / "register.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows([r[c] for c in COLUMNS] for r in rows)
    arrays = []
    for c in COLUMNS:
        values = [r[c] for r in rows]
        if c in INT_COLUMNS:
            arrays.append(pa.array(values, type=pa.int32()))
        else:
            arrays.append(pa.array([v if v != "" else None for v in values], type=pa.string()))
    pq.write_table(pa.Table.from_arrays(arrays, names=COLUMNS), out / "register.parquet", compression="zstd")


def write_directories(gen: Generator, out: Path) -> None:
    world: World = gen.world
    # staff: last seat held; every seat held is in assignments.csv
    last_seat: dict[str, tuple] = {}
    assignments = []
    for seat in world.seats:
        for t in seat.tenures:
            end = (
                t.end if t.end is not None else (seat.closed - dt.timedelta(days=1) if seat.closed else None)
            )
            if end is not None and end >= world.end:
                end = None
            assignments.append([t.staff_id, seat.unit_id, seat.seat_id, seat.role, seat.position, _d(t.start), _d(end),
                                ";".join(seat.topics)])  # fmt: skip
            prev = last_seat.get(t.staff_id)
            if prev is None or t.start >= prev[1]:
                last_seat[t.staff_id] = (seat, t.start)
    assignments.sort(key=lambda r: (r[0], r[5], r[2]))
    _csv(out / "assignments.csv",
         ["staff_id", "unit_id", "seat_id", "role", "position", "start", "end", "topic_codes"], assignments)  # fmt: skip

    def reports_to(seat, day):
        if seat.role == "manager":
            return "" if seat.seat_id == "M-GOV" else (world.managers["GOV"].occupant(day) or "")
        if seat.role == "head":
            return world.managers[world.units[seat.unit_id].supervisor].occupant(day) or ""
        for s in world.seats:
            if s.unit_id == seat.unit_id and s.role == "head":
                who = s.occupant(day)
                if who:
                    return who
        return ""

    staff_rows = []
    for sid in sorted(world.staff):
        st = world.staff[sid]
        seat, since = last_seat[sid]
        day = min(st.left or world.end, world.end)
        p = st.person
        staff_rows.append([
            sid, p.last, p.first, p.middle, p.full, p.gender, seat.position, seat.unit_id, _d(st.hired), _d(st.left),
            int(seat.role in ("manager", "head")), int(seat.role == "deputy_head"), seat.role, reports_to(seat, day),
            p.dative_short(),
        ])  # fmt: skip
    _csv(out / "staff.csv",
         ["staff_id", "last_name", "first_name", "middle_name", "full_name", "gender", "position", "unit_id", "hired",
          "left", "is_manager", "is_deputy_head", "role", "reports_to", "name_dative"], staff_rows)  # fmt: skip

    unit_rows = [["U00", "Руководство", "", "", _d(world.start - dt.timedelta(days=3650)), "", "", ""]]
    for uid in sorted(world.units):
        u = world.units[uid]
        deputy = world.managers[u.supervisor].occupant(min(u.abolished or world.end, world.end)) or ""
        unit_rows.append([uid, u.name, u.supervisor, deputy, _d(u.created), _d(u.abolished), ";".join(u.successors),
                          ";".join(sorted(u.topics))])  # fmt: skip
    _csv(out / "units.csv",
         ["unit_id", "name", "supervisor_key", "supervisor_staff_id", "created", "abolished", "successor_unit_ids",
          "topic_codes"], unit_rows)  # fmt: skip

    org_rows = [[o.org_id, o.full_name, o.short_name, ";".join(o.variants), o.kind, o.inn, o.address,
                 "Челябинская область" if o.municipality != "Москва" else "Москва", o.municipality, o.phone, o.email,
                 o.head_position] for o in gen.orgs]  # fmt: skip
    _csv(out / "organisations.csv",
         ["org_id", "full_name", "short_name", "variants", "kind", "inn", "address", "region", "municipality", "phone",
          "email", "head_position"], org_rows)  # fmt: skip

    topic_rows = []
    seen_sections, seen_themes = set(), set()
    for t in world.topics:
        if t.section_code not in seen_sections:
            seen_sections.add(t.section_code)
            topic_rows.append([t.section_code, t.section, 1, "", t.section, "", "", "", ""])
        if t.theme_code not in seen_themes:
            seen_themes.add(t.theme_code)
            topic_rows.append([t.theme_code, t.theme, 2, t.section_code, t.section, t.theme, "", "", ""])
        topic_rows.append([t.code, t.name, 3, t.theme_code, t.section, t.theme, t.name, ";".join(t.units),
                           ";".join(t.vocabulary)])  # fmt: skip
    topic_rows.sort(key=lambda r: r[0])
    _csv(out / "topics.csv",
         ["code", "name", "level", "parent_code", "section", "theme", "question", "unit_ids", "vocabulary"],
         topic_rows)  # fmt: skip

    absence_rows = []
    for sid in sorted(world.absences):
        for start, end, deputy in world.absences[sid]:
            absence_rows.append(
                [sid, _d(start), _d(end), deputy, "vacation" if (end - start).days == 13 else "sick_leave"]
            )
    _csv(out / "absences.csv", ["staff_id", "start", "end", "deputy_id", "kind"], absence_rows)


def summary(gen: Generator, rows: list[dict], stats: dict, params: dict) -> dict:
    world = gen.world
    n = len(rows)
    years = sorted({r["reg_date"][:4] for r in rows})
    per_year_oracle = {}
    for y in years:
        sub = [r for r in rows if r["reg_date"].startswith(y)]
        per_year_oracle[y] = round(
            sum(r["executor_id"] == r["oracle_executor_id"] for r in sub) / len(sub), 4
        )
    hired = Counter(s.hired.year for s in world.staff.values() if s.hired >= world.start)
    left = Counter(s.left.year for s in world.staff.values() if s.left)
    return {
        "generator": "docket synthetic world",
        "format_version": 1,
        "parameters": params,
        "seed": params["seed"],
        "period": {"start": world.start.isoformat(), "end": world.end.isoformat()},
        "counts": {
            "letters": n,
            "staff": len(world.staff),
            "units": len(world.units),
            "organisations": len(gen.orgs),
            "topics_leaf": len(world.topics),
            "topics_multi_unit": sum(len(t.units) > 1 for t in world.topics),
            "absences": sum(len(v) for v in world.absences.values()),
            "by_kind": dict(sorted(Counter(r["doc_kind"] for r in rows).items())),
            "by_channel": dict(sorted(Counter(r["channel"] for r in rows).items())),
            "by_year": dict(sorted(Counter(r["reg_date"][:4] for r in rows).items())),
            "duplicates": sum(bool(r["duplicate_of"]) for r in rows),
            "repeat_appeals": sum(bool(r["repeat_of"]) for r in rows),
            "collective_appeals": sum(bool(r["collective_group"]) for r in rows),
            "collective_groups": len({r["collective_group"] for r in rows if r["collective_group"]}),
            "lookalikes": sum(bool(r["lookalike_of"]) for r in rows),
            "lookalikes_by_kind": dict(
                sorted(Counter(r["lookalike_kind"] for r in rows if r["lookalike_of"]).items())
            ),
            "forwarded": sum(bool(r["forwarded_by_id"]) for r in rows),
            "replies_to_our_letters": sum(bool(r["reply_to_doc_id"]) for r in rows),
            "with_coexecutors": sum(bool(r["coexecutor_ids"]) for r in rows),
            "staff_hired_by_year": dict(sorted((str(k), v) for k, v in hired.items())),
            "staff_left_by_year": dict(sorted((str(k), v) for k, v in left.items())),
        },
        "reorganisations": world.reorganisations,
        "oracle_top1": stats["oracle_top1"],
        "oracle_top1_by_year": per_year_oracle,
    }


def write_world_json(data: dict, out: Path) -> None:
    (out / "world.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
