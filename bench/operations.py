"""The key operations the benchmark measures: a GraphQL document and its hand-written twin.

`make_fixtures(scale)` returns what the operations need (tokens, ids) from the generated data.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Operation:
    name: str
    query: str
    baseline_path: str
    variables: dict = field(default_factory=dict)
    # Which caller runs it: a key into the fixtures' tokens.
    caller: str = "teacher"


ME = Operation(
    name="me",
    query="{ me { person { fullName email } school { name timeZone } roles } }",
    baseline_path="/bench/baseline/me",
)

OPERATIONS = {op.name: op for op in (ME,)}
