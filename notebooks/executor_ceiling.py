"""How far executor top-k can go on a generated world: the evidence behind the top-3 goal.

Usage: python notebooks/executor_ceiling.py WORLD_DIR

A world's register carries `oracle_executor_id` (the generator's best guess) beside `executor_id` (who
actually took the letter). On the newest 20% of letters this prints:
- the top-k of an "oracle-informed" ranking: the oracle first, then the people who most often took the
  letters of that oracle when someone else did (counted on the newest training rows): no model that sees
  less than the oracle should be expected to beat it by much;
- who the other people are (the unit's head, its deputy head, a colleague of the same unit, another unit)
  and how often an observable explains them: the topic's specialists by the assignments export, the
  previous executor for the same correspondent and topic, the executor of the letter replied to;
- the entropy of that other choice.
An analysis of the generated data only; the pipeline never reads `oracle_executor_id`.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from pathlib import Path


def main(world: Path) -> None:
    import pandas as pd

    from training.register import load_register, time_split

    register = load_register(world / "register.parquet" if (world / "register.parquet").is_file() else world)
    train, test = time_split(register.frame, 0.2)
    after = defaultdict(Counter)
    for oracle, actual in zip(
        train["oracle_executor_id"].iloc[-40_000:], train["executor_id"].iloc[-40_000:], strict=True
    ):
        after[oracle][actual] += 1
    hits = Counter()
    for oracle, actual in zip(test["oracle_executor_id"], test["executor_id"], strict=True):
        ranked = [oracle] + [p for p, _ in after[oracle].most_common() if p != oracle]
        for k in (1, 3, 5, 10):
            hits[k] += actual in ranked[:k]
    n = len(test)
    print(f"held out: {n} letters from {test['reg_date'].iloc[0]}")
    print("oracle-informed top-k: " + ", ".join(f"top-{k} {hits[k] / n:.3f}" for k in (1, 3, 5, 10)))

    posts = pd.DataFrame(register.assignments)
    specialists = defaultdict(list)
    for row in posts.itertuples():
        for topic in str(row.topic_codes or "").split(";"):
            if topic and topic != "None":
                specialists[topic].append((str(row.start), str(row.end or "9999"), row.staff_id))

    def post_of(staff_id: str, day: str) -> tuple[str | None, str | None]:
        for row in posts[posts.staff_id == staff_id].itertuples():
            if str(row.start) <= day and (not row.end or day <= str(row.end)):
                return row.unit_id, row.role
        return None, None

    executor_of = dict(zip(register.frame["doc_id"], register.frame["executor_id"], strict=True))
    last = {}
    kinds, explained = Counter(), Counter()
    rows = register.frame.to_dict("records")
    first_test = len(rows) - n
    for i, row in enumerate(rows):
        key = (row["correspondent_id"], row["topic_code"])
        if i >= first_test and row["executor_id"] != row["oracle_executor_id"]:
            day = str(row["reg_date"])
            unit, role = post_of(row["executor_id"], day)
            oracle_unit, _ = post_of(row["oracle_executor_id"], day)
            kinds[f"{role or '?'} of {'the same' if unit == oracle_unit else 'another'} unit"] += 1
            on_topic = [s for start, end, s in specialists.get(row["topic_code"], []) if start <= day <= end]
            explained["a specialist of the topic"] += row["executor_id"] in on_topic
            explained["previous executor, same correspondent and topic"] += (
                last.get(key) == row["executor_id"]
            )
            reply = row.get("reply_to_doc_id")
            explained["executor of the letter replied to"] += (
                isinstance(reply, str) and executor_of.get(reply) == row["executor_id"]
            )
        last[key] = row["executor_id"]
    other = sum(kinds.values())
    print(f"taken by someone other than the oracle: {other} ({other / n:.1%})")
    for name, count in kinds.most_common():
        print(f"  {name}: {count / other:.1%}")
    for name, count in explained.items():
        print(f"  explained by {name}: {count / other:.1%}")
    entropies, top_shares = [], []
    for oracle, counter in after.items():
        others = {p: c for p, c in counter.items() if p != oracle}
        total = sum(others.values())
        if total >= 20:
            entropies.append(-sum(c / total * math.log2(c / total) for c in others.values()))
            top_shares.append(max(others.values()) / total)
    print(
        f"the other choice: {sum(entropies) / len(entropies):.2f} bits on average, its most frequent person "
        f"{sum(top_shares) / len(top_shares):.0%} of it ({len(entropies)} oracles with >= 20 such letters)"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
