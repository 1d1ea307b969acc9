"""Print the statistics table of a generated world (the one in data/README.md).

.venv/bin/python -m data.generator.stats WORLD_DIR
"""

from __future__ import annotations

import csv
import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path


def _join(counts: dict | Counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _quartiles(values: list[int]) -> str:
    q1, q2, q3 = statistics.quantiles(values, n=4)
    return f"median {int(q2)}, quartiles {int(q1)}–{int(q3)}"


def table(world: Path) -> str:
    w = json.loads((world / "world.json").read_text(encoding="utf-8"))
    with (world / "register.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    c, n = w["counts"], len(rows)

    def share(x: int) -> str:
        return f"{x} ({100 * x / n:.1f} %)"

    org = [r for r in rows if r["correspondent_id"]]
    lengths = sorted(len(r["text"]) for r in rows)
    citizens = [r for r in rows if r["doc_kind"] in ("citizen_appeal", "collective_appeal")]
    citizen_lengths = sorted(len(r["text"]) for r in citizens)
    out = [
        "| measure | value |",
        "|---|---|",
        f"| letters ({w['period']['start'][:4]}–{w['period']['end'][:4]}) | {n}; by year "
        + ", ".join(f"{k}: {v}" for k, v in c["by_year"].items())
        + " |",
        f"| by kind | {_join(c['by_kind'])} |",
        f"| by channel | {_join(c['by_channel'])} |",
        f"| appeal kinds | {_join(Counter(r['appeal_kind'] for r in rows if r['appeal_kind']))} |",
        f"| topics | {c['topics_leaf']} leaf topics in {len({r['topic_code'][:9] for r in rows})} themes, "
        f"{len({r['topic_code'] for r in rows})} used; {c['topics_multi_unit']} "
        f"({100 * c['topics_multi_unit'] / c['topics_leaf']:.0f} %) handled by two units |",
        "| letters by section | "
        + ", ".join(
            f"{k} {100 * v / n:.0f} %" for k, v in Counter(r["topic_code"][:4] for r in rows).most_common()
        )
        + " |",
        f"| organisations | {c['organisations']} in the directory, {len({r['correspondent_id'] for r in org})} write "
        f"at least once; {100 * sum(r['correspondent_variant'] != r['correspondent_name'] for r in org) / len(org):.0f} % "
        "of their letters use a non-canonical name |",
        f"| outgoing number shapes (digits → 9) | {len({re.sub(r'[0-9]+', '9', r['outgoing_number']) for r in org})} |",
        f"| organisations' letters with ≥ 2 «№» | {100 * sum(r['text'].count('№') >= 2 for r in org) / len(org):.0f} % |",
        f"| duplicates (`duplicate_of`) | {share(c['duplicates'])} |",
        f"| repeat appeals (`repeat_of`) | {share(c['repeat_appeals'])} |",
        f"| collective appeals | {c['collective_appeals']} in {c['collective_groups']} groups |",
        f"| look-alikes, hard negatives (`lookalike_of`) | {share(c['lookalikes'])}: "
        f"{_join(Counter(r['lookalike_kind'] for r in rows if r['lookalike_of']))} |",
        f"| forwarded appeals | {share(c['forwarded'])} |",
        f"| replies to our letters («На № … от …») | {share(c['replies_to_our_letters'])} |",
        f"| layouts | {_join(Counter(r['layout'] for r in rows))} |",
        f"| pages | {_join(Counter(r['page_count'] for r in rows))} |",
        f"| text length, characters | median {int(statistics.median(lengths))}, 10–90 % "
        f"{lengths[n // 10]}–{lengths[n * 9 // 10]} |",
        f"| citizens' appeals, length | {_quartiles(citizen_lengths)} |",
        f"| package forms of citizens' appeals | {_join(Counter(r['package'] for r in citizens))} |",
        f"| texts with a page break («\\f») | {sum(chr(12) in r['text'] for r in rows)} |",
        f"| staff | {c['staff']} people over the period; left per year "
        + ", ".join(f"{k}: {v}" for k, v in c["staff_left_by_year"].items())
        + "; hired "
        + ", ".join(f"{k}: {v}" for k, v in c["staff_hired_by_year"].items())
        + " |",
        f"| units | {c['units']}; "
        + "; ".join(
            f"{r['kind']} {'+'.join(r['from'])} → {'+'.join(r['to'])} on {r['date']}"
            for r in w["reorganisations"]
        )
        + " |",
        f"| absences | {c['absences']} spells with a designated deputy |",
        f"| executors / resolution authors | {len({r['executor_id'] for r in rows})} / "
        f"{len({r['resolution_author_id'] for r in rows})} |",
        f"| with co-executors | {share(c['with_coexecutors'])} |",
        f"| with a deadline | {100 * sum(bool(r['deadline']) for r in rows) / n:.0f} % |",
        f"| **oracle_top1** | **{w['oracle_top1']}** (by year "
        + ", ".join(f"{k}: {v}" for k, v in w["oracle_top1_by_year"].items())
        + ") |",
    ]
    if "rendered" in w:
        r = w["rendered"]
        out.append(
            f"| rendered files | {r['files']}: {_join(r['by_format'])}; noise {_join(r['by_noise'])} |"
        )
    return "\n".join(out)


if __name__ == "__main__":
    print(table(Path(sys.argv[1] if len(sys.argv) > 1 else "var/data/world")))
