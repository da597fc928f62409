"""The persisted query manifest of the app's operations (`client/operations/*.graphql`).

Apollo's format (`apollo-persisted-query-manifest`, version 1), as Apollo's own generator
writes it and Apollo Client's `generatePersistedQueryIdsFromManifest` reads it:
`{"format", "version", "operations": [{"id", "name", "type", "body"}]}`. Each body is one
operation with the fragments it uses (in its own file), `__typename` added to every selection
set below the root as Apollo clients add it, printed by graphql-core (graphql-js' printer);
`id` is the SHA-256 of the body. In allow-list mode the server runs only these
(`persisted.py`); `manage.py persisted_query_manifest` writes the file and a test fails when
it is stale.
"""

import hashlib
from pathlib import Path

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from .persisted import MANIFEST_FORMAT


class _AddTypename(Visitor):
    """What Apollo Client's `addTypenameToDocument` does: `__typename` in every selection set
    except an operation's root one."""

    def enter_selection_set(self, node: SelectionSetNode, _key, parent, *_args):
        if isinstance(parent, OperationDefinitionNode):
            return None
        if any(
            isinstance(s, FieldNode) and s.name.value == "__typename" and s.alias is None
            for s in node.selections
        ):
            return None
        typename = FieldNode(name=NameNode(value="__typename"), arguments=(), directives=())
        return SelectionSetNode(selections=(*node.selections, typename))


class _Spreads(Visitor):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args):
        self.names.add(node.name.value)


def _spread_names(node) -> set[str]:
    spreads = _Spreads()
    visit(node, spreads)
    return spreads.names


def operation_bodies(source: str) -> list[tuple[str, str, str]]:
    """(name, type, body) of each operation of one file's text."""
    document = parse(source)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    found = []
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode) or definition.name is None:
            continue
        used: set[str] = set()
        pending = _spread_names(definition)
        while pending:
            name = pending.pop()
            if name in used or name not in fragments:
                continue
            used.add(name)
            pending |= _spread_names(fragments[name])
        ordered = [definition, *(fragments[name] for name in sorted(used))]
        with_typename = visit(DocumentNode(definitions=tuple(ordered)), _AddTypename())
        found.append((definition.name.value, definition.operation.value, print_ast(with_typename)))
    return found


def build_manifest(folder: Path) -> dict:
    operations = []
    for path in sorted(folder.glob("*.graphql")):
        for name, kind, body in operation_bodies(path.read_text(encoding="utf-8")):
            operations.append(
                {
                    "id": hashlib.sha256(body.encode("utf-8")).hexdigest(),
                    "name": name,
                    "type": kind,
                    "body": body,
                }
            )
    operations.sort(key=lambda entry: entry["name"])
    return {"format": MANIFEST_FORMAT, "version": 1, "operations": operations}
