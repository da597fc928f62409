"""What a request selects below the current field, for prefetching only what will be read."""

from graphql import FieldNode, FragmentSpreadNode, GraphQLResolveInfo, InlineFragmentNode


def asks_for(info: GraphQLResolveInfo, field_name: str) -> bool:
    """True when `field_name` (its schema name, not an alias) appears anywhere below this
    field, through inline fragments and named fragments too."""
    seen_fragments: set[str] = set()
    pending = [node.selection_set for node in info.field_nodes if node.selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value == field_name:
                    return True
                if selection.selection_set:
                    pending.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = info.fragments.get(name)
                if fragment is not None and name not in seen_fragments:
                    seen_fragments.add(name)
                    pending.append(fragment.selection_set)
    return False
