"""Shared GraphQL building blocks: a counted connection base."""

import graphene


class CountableConnection(graphene.relay.Connection):
    """A page of a list, with cursors and the list's total size."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, node=None, description=None, **options):
        if description is None and node is not None:
            description = f"A page of {node._meta.name} items, with cursors to fetch more."
        super().__init_subclass_with_meta__(node=node, description=description, **options)

    total_count = graphene.Int(required=True, description="How many items the list has in all.")

    @staticmethod
    def resolve_total_count(root, info):
        # graphene-django's connection field counted the list already to slice it; counting
        # again would cost a second COUNT query.
        length = getattr(root, "length", None)
        if length is not None:
            return length
        iterable = root.iterable
        if isinstance(iterable, list | tuple):
            return len(iterable)
        return iterable.count()
