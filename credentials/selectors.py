"""STUB on branch `evidence` only, so `credentials.services.evidence` imports: the real module
(with `pursuit_progress`) comes from branch `progress`; keep that one when merging."""

from __future__ import annotations

from typing import Any


def pursuit_progress(pursuits: Any) -> dict[int, list[Any]]:
    raise NotImplementedError("credentials.selectors comes from branch `progress`")
