"""Step 2: the SQL query count of each key operation at two data sizes.

Runs each operation's GraphQL document in this process (django.test.Client with a bearer
token) against two generated districts, one small and one larger, whose subjects hold longer
lists (more visits in the week, more yellow dots and meetings, more responses, a fuller inbox,
more cohorts on the map). A count that grows with the data is a query per row: the step fails.
It also checks that the hand-written twin answers the same JSON with the same SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bench import generate, inprocess
from bench.operations import KEY_OPERATIONS, issue_tokens, key_operations

SMALL, LARGE = 0.05, 0.2
# "now" differs between two requests; the statements are the same otherwise.
_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d)?")


def same_statements(left: list[str], right: list[str]) -> bool:
    def normal(statements):
        return sorted(_MOMENT.sub("<moment>", sql) for sql in statements)

    return normal(left) == normal(right)


@dataclass
class Count:
    operation: str
    title: str
    small: int | None
    large: int | None
    baseline: int | None = None
    same_json: bool | None = None
    same_sql: bool | None = None
    note: str = ""

    @property
    def grows(self) -> bool:
        return self.small is not None and self.large is not None and self.large > self.small

    def as_dict(self) -> dict:
        return {**self.__dict__, "grows": self.grows}


def district(scale: float, seed: int):
    """The generated district of `scale` in the benchmark database (made the first time)."""
    slug = f"bench-s{scale:g}-r{seed}"
    made = generate.find(slug)
    if made is None:
        generate.generate(size=generate.Size.at(scale), seed=seed, slug=slug)
        made = generate.find(slug)
    return made


def count_queries(small_subjects, large_subjects, names=("me", *KEY_OPERATIONS)) -> list[Count]:
    small_ops = key_operations(small_subjects, issue_tokens(small_subjects, coordinators=1))
    large_ops = key_operations(large_subjects, issue_tokens(large_subjects, coordinators=1))
    counts = []
    for name in names:
        small, large = small_ops[name], large_ops[name]
        if small.skipped:
            counts.append(Count(name, small.title, None, None, note=f"skipped: {small.skipped}"))
            continue
        inprocess.graphql(small)  # a first request may record the token's use
        inprocess.graphql(large)
        answers = [inprocess.graphql(small), inprocess.graphql(large)]
        errors = [a.body.get("errors") for a in answers if a.body.get("errors") or a.status != 200]
        twin = inprocess.baseline(large)
        difference = inprocess.first_difference(answers[1].body, twin.body)
        note = (
            f"errors: {errors[0]}" if errors else (f"differs at {difference}" if difference else "")
        )
        counts.append(
            Count(
                name,
                small.title,
                answers[0].queries,
                answers[1].queries,
                baseline=twin.queries,
                same_json=difference is None,
                same_sql=same_statements(answers[1].sql, twin.sql),
                note=note,
            )
        )
    return counts


def run(*, seed: int = 7, small: float = SMALL, large: float = LARGE) -> dict:
    from bench.setup import lift_map_limit

    lift_map_limit()
    small_subjects, large_subjects = district(small, seed), district(large, seed)
    counts = count_queries(small_subjects, large_subjects)
    return {
        "scales": [small, large],
        "counts": [c.as_dict() for c in counts],
        "failed": any(c.grows or c.note.startswith(("errors", "differs")) for c in counts),
    }


def markdown(result: dict) -> str:
    small, large = result["scales"]
    lines = [
        f"| operation | queries at scale {small:g} | at scale {large:g} | grows | "
        "hand-written | same JSON / SQL |",
        "| --- | ---: | ---: | --- | ---: | --- |",
    ]
    for c in result["counts"]:
        if c["small"] is None:
            lines.append(f"| {c['title']} | - | - | - | - | {c['note']} |")
            continue
        same = f"{'yes' if c['same_json'] else 'NO'} / {'yes' if c['same_sql'] else 'NO'}"
        lines.append(
            f"| {c['title']} | {c['small']} | {c['large']} | "
            f"{'**YES**' if c['grows'] else 'no'} | {c['baseline']} | {same} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    import argparse
    import json

    from bench.setup import configure, migrate

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    configure(args.database_url)
    migrate()
    result = run(seed=args.seed)
    print(markdown(result))
    print(json.dumps(result, indent=1, default=str))
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
