"""What the viewer may see: who is asking, and links to other objects loaded through what
they may see (one query for a whole list).
"""

from django.db.models import Prefetch

from backend.graphql.selection import asks_for


def viewer_of(info):
    return info.context.user


def visible_link_prefetches(info, links: dict[str, tuple[str, object]]) -> list[Prefetch]:
    """For each asked-for link field (schema name -> (model lookup, visible queryset)), one
    query for the whole list, kept at `visible_<lookup>` (None when hidden or missing)."""
    return [
        Prefetch(lookup, queryset=visible, to_attr=f"visible_{lookup}")
        for field_name, (lookup, visible) in links.items()
        if asks_for(info, field_name)
    ]


def visible_link(root, lookup: str, load):
    """The prefetched link, else `load()` (one query, for a single object)."""
    attribute = f"visible_{lookup}"
    return getattr(root, attribute) if hasattr(root, attribute) else load()
