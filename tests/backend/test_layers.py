"""The import contracts in pyproject.toml hold, and each catches what it is there for.

CI runs `lint-imports` after mypy; these tests hold the same contracts and plant the imports they
must refuse (a new circle, a lower layer importing a higher one, the API machinery importing an
app, a service importing GraphQL) into a copy of the real import graph.
"""

import copy
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import importlinter.configuration
import pytest
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parents[2]
CONTRACT_TYPES = {
    "layers": LayersContract,
    "forbidden": ForbiddenContract,
    "acyclic_siblings": AcyclicSiblingsContract,
}


@pytest.fixture(scope="module")
def options() -> dict:
    """[tool.importlinter]: the session's options, and `contracts`."""
    importlinter.configuration.configure()  # what `lint-imports` does first
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


@pytest.fixture(scope="module")
def graph(options, monkeypatch_module):
    monkeypatch_module.syspath_prepend(str(ROOT))
    session = _session(options)
    return grimp.build_graph(
        *session["root_packages"],
        include_external_packages=session.get("include_external_packages", False),
        cache_dir=None,
    )


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _session(options: dict) -> dict:
    return {key: value for key, value in options.items() if key != "contracts"}


def _contract(options, contract_id: str):
    (found,) = [c for c in options["contracts"] if c["id"] == contract_id]
    contract_class = CONTRACT_TYPES[found["type"]]
    return contract_class(
        name=found["name"], session_options=_session(options), contract_options=found
    )


def _kept(options, graph, contract_id: str) -> bool:
    return _contract(options, contract_id).check(copy.deepcopy(graph), verbose=False).kept


@pytest.mark.timeout(300)
def test_lint_imports_passes():
    result = subprocess.run(  # noqa: S603 (our own tool, from this interpreter's venv)
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


@pytest.mark.parametrize(
    ("contract_id", "importer", "imported"),
    [
        # A new circle between two modules of one package.
        ("acyclic", "cohorts.services.common", "cohorts.services.memberships"),
        # A new circle between two packages of the foundation.
        ("acyclic", "backend.graphql.errors", "backend.graphql.view"),
        # An app importing one above it.
        ("layers", "notifications.models", "surveys.models"),
        ("layers", "cohorts.services.meetings", "observations.models"),
        # The foundation importing an app.
        ("layers", "backend.errors", "cohorts.models"),
        # The WebSocket consumer reaching for sessions instead of being given them.
        ("foundation", "backend.graphql.websocket", "backend.accounts.services.tokens"),
        # A service that knows the API.
        ("domain", "cohorts.services.cohorts", "cohorts.graphql.types"),
    ],
)
def test_a_planted_import_breaks_its_contract(options, graph, contract_id, importer, imported):
    assert _kept(options, graph, contract_id)  # holds as the code is

    planted = copy.deepcopy(graph)
    planted.add_import(importer=importer, imported=imported, line_number=1, line_contents="")

    assert not _kept(options, planted, contract_id)


def test_graphql_types_may_refer_to_each_other(options, graph):
    planted = copy.deepcopy(graph)
    planted.add_import(
        importer="cohorts.graphql.types.meetings",
        imported="cohorts.graphql.types.cohorts",
        line_number=1,
        line_contents="",
    )
    planted.add_import(
        importer="cohorts.graphql.types.cohorts",
        imported="cohorts.graphql.types.meetings",
        line_number=1,
        line_contents="",
    )

    assert _kept(options, planted, "acyclic")
