"""Persisted queries: Apollo's automatic persisted queries (APQ) and the allow-list.

The protocol Apollo Client, Apollo iOS and Apollo Kotlin speak: a request carries
`extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}`.
- Hash only, known: the stored document runs. Unknown: `PersistedQueryNotFound`
  (`PERSISTED_QUERY_NOT_FOUND`, HTTP 200), on which the client resends with `query`.
- Hash and `query`: the hash must be the SHA-256 of the query's UTF-8 text
  (`PERSISTED_QUERY_HASH_MISMATCH` otherwise, nothing stored), so no one can file a document
  under another's hash. The document is stored in the shared cache (Redis in production, so
  every process knows it) once it has been admitted: parsed within the document limits,
  validated, priced and charged. What is stored is only ever a document that ran.

`GRAPHQL_PERSISTED_QUERIES` picks the mode:
- `apq` (default): the above, for any valid document.
- `allowlist`: the same protocol, but a document runs only when it is one of the manifest's
  (`GRAPHQL_PERSISTED_QUERY_MANIFEST`, made from `client/operations` by
  `manage.py persisted_query_manifest`): sent in full or by hash, from the cache or the
  manifest, over HTTP or the WebSocket (the check is in `pipeline.admit`). Documents are
  compared in a canonical form (`canonical_document`): definitions in a fixed order and the
  `__typename` fields Apollo clients add left out, so each Apollo client's own printing of a
  shipped operation is accepted. With introspection on (DEBUG), introspection-only documents
  pass too, so GraphiQL's explorer works.
- `off`: a hash alone answers `PERSISTED_QUERY_NOT_SUPPORTED` (Apollo then stops hashing);
  a query with a hash runs as if there were no hash.
"""

import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from graphql import (
    REMOVE,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from .errors import ApiErrorCode

MANIFEST_FORMAT = "apollo-persisted-query-manifest"
CACHE_PREFIX = "graphql:apq:v1:"
# A stored document is forgotten a week after it was last registered; a client that
# sends its hash afterwards gets PERSISTED_QUERY_NOT_FOUND and registers it again. The TTL
# (with Redis' `maxmemory-policy volatile-lru`) keeps the store from growing without end.
STORE_SECONDS = 7 * 24 * 3600
_HASH = re.compile(r"[0-9a-f]{64}")
_INTROSPECTION_ROOTS = frozenset(("__schema", "__type", "__typename"))


class PersistedQueryRefused(Exception):
    """The request's persisted-query part cannot be served: `code`, `status` with
    `application/graphql-response+json`, `status_as_json` with `application/json`."""

    def __init__(self, message: str, code: str, *, status: int = 400, status_as_json: int = 200):
        super().__init__(message)
        self.code = code
        self.status = status
        self.status_as_json = status_as_json


@dataclass(frozen=True)
class Resolved:
    """The document to run, and the hash to store it under once it was admitted (or None)."""

    query: str
    register_hash: str | None = None


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mode() -> str:
    return settings.GRAPHQL_PERSISTED_QUERIES


def _requested_hash(extensions) -> str | None:
    if not isinstance(extensions, dict) or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict):
        raise PersistedQueryRefused(
            "`extensions.persistedQuery` must be an object {version, sha256Hash}.",
            ApiErrorCode.BAD_REQUEST,
        )
    version = persisted.get("version")
    if type(version) is not int or version != 1:  # JSON `true` is not version 1
        raise PersistedQueryRefused(
            "Unsupported persisted query version: only version 1 (Apollo's) is spoken here.",
            ApiErrorCode.BAD_REQUEST,
        )
    given = persisted.get("sha256Hash")
    if not isinstance(given, str) or not _HASH.fullmatch(given.lower()):
        raise PersistedQueryRefused(
            "`extensions.persistedQuery.sha256Hash` must be 64 hexadecimal digits.",
            ApiErrorCode.BAD_REQUEST,
        )
    return given.lower()


def resolve(query: str | None, extensions: dict | None) -> Resolved:
    """The document a request asks to run, by text or by hash. Raises PersistedQueryRefused.
    Makes one cache read for a hash alone; the allow-list is checked by `check_allowed`."""
    current = mode()
    if current == "off":
        if query is None and isinstance(extensions, dict) and "persistedQuery" in extensions:
            # Apollo's own wording and code, status 200: Apollo Client, iOS and Kotlin turn
            # persisted queries off and send the full query instead of failing the operation.
            raise PersistedQueryRefused(
                "PersistedQueryNotSupported",
                ApiErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
                status=200,
            )
        return Resolved(_require_text(query))
    wanted = _requested_hash(extensions)
    if wanted is None:
        return Resolved(_require_text(query))
    if query is None:
        stored = _lookup(wanted)
        if stored is None:
            raise PersistedQueryRefused(
                "PersistedQueryNotFound", ApiErrorCode.PERSISTED_QUERY_NOT_FOUND, status=200
            )
        return Resolved(stored)
    text = _require_text(query)
    if sha256_hex(text) != wanted:
        raise PersistedQueryRefused(
            "The persisted query's sha256Hash is not the SHA-256 of the query sent with it.",
            ApiErrorCode.PERSISTED_QUERY_HASH_MISMATCH,
        )
    return Resolved(text, register_hash=wanted)


def _require_text(query) -> str:
    if not isinstance(query, str) or not query.strip():
        raise PersistedQueryRefused("`query` must be a non-empty string.", ApiErrorCode.BAD_REQUEST)
    return query


def _lookup(wanted: str) -> str | None:
    if mode() == "allowlist":
        shipped = load_manifest(settings.GRAPHQL_PERSISTED_QUERY_MANIFEST).by_id.get(wanted)
        if shipped is not None:
            return shipped
    known = _recent.get(wanted)
    if known is not None:
        return known
    stored = cache.get(CACHE_PREFIX + wanted)
    # The key is the hash of what was stored, checked when it was stored; check again, so a
    # cache shared with something else (or corrupted) can never run a different document.
    if isinstance(stored, str) and sha256_hex(stored) == wanted:
        _recent.put(wanted, stored)
        return stored
    return None


class _RecentDocuments:
    """This process's most recently used documents by hash, so a phone's hash alone costs no
    cache round trip. Safe to keep: a hash names one text forever (verified before it gets
    here). Bounded: 256 documents of at most GRAPHQL_MAX_DOCUMENT_CHARS each."""

    size = 256

    def __init__(self):
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: str) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_recent = _RecentDocuments()


def forget_recent() -> None:
    """Empty this process's list of recent documents (tests; the shared cache is the truth)."""
    _recent.clear()


def register(resolved: Resolved) -> None:
    """Remember an admitted document under its (verified) hash, in the shared cache."""
    if resolved.register_hash is None or mode() == "off":
        return
    limit = settings.GRAPHQL_LIMITS["max_document_chars"]
    if len(resolved.query) > limit:  # admitted documents never are; belt and braces
        return
    cache.set(CACHE_PREFIX + resolved.register_hash, resolved.query, STORE_SECONDS)
    _recent.put(resolved.register_hash, resolved.query)


def check_allowed(query: str) -> None:
    """In allow-list mode, refuse a document that is not one of the manifest's."""
    if mode() != "allowlist":
        return
    canonical = _canonical_or_none(query)
    if canonical is not None:
        if canonical in load_manifest(settings.GRAPHQL_PERSISTED_QUERY_MANIFEST).canonical:
            return
        if settings.GRAPHQL_INTROSPECTION and _only_introspection(query):
            return
    raise PersistedQueryRefused(
        "This server runs only the operations the app shipped; this document is not one.",
        ApiErrorCode.PERSISTED_QUERY_NOT_ALLOWED,
    )


# --- canonical form --------------------------------------------------------------------------
class _DropTypename(Visitor):
    def enter_field(self, node: FieldNode, *_args):
        if node.name.value == "__typename" and node.alias is None:
            return REMOVE
        return None


def canonical_document(document: DocumentNode) -> str:
    """One text per operation however a client prints it: operations (by name) then fragments
    (by name), the unaliased `__typename` fields Apollo clients add left out, graphql-js's
    printing (graphql-core's `print_ast`)."""
    stripped = visit(document, _DropTypename())

    def order(definition):
        is_fragment = isinstance(definition, FragmentDefinitionNode)
        name = definition.name.value if getattr(definition, "name", None) else ""
        return (is_fragment, name)

    definitions = sorted(stripped.definitions, key=order)
    return print_ast(DocumentNode(definitions=tuple(definitions)))


@lru_cache(maxsize=512)
def _canonical_or_none(query: str) -> str | None:
    limits = settings.GRAPHQL_LIMITS
    try:
        document = parse(
            query, max_tokens=limits["max_tokens"], max_source_length=limits["max_document_chars"]
        )
    except GraphQLError:
        return None
    return canonical_document(document)


def _only_introspection(query: str) -> bool:
    """Every operation a query whose root fields are all `__schema`, `__type`, `__typename`
    (what is under them is introspection too)."""
    try:
        document = parse(query, max_tokens=settings.GRAPHQL_LIMITS["max_tokens"])
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(
        operation.operation.value == "query"
        and all(
            isinstance(selection, FieldNode) and selection.name.value in _INTROSPECTION_ROOTS
            for selection in operation.selection_set.selections
        )
        for operation in operations
    )


# --- the manifest ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Manifest:
    by_id: dict[str, str]
    canonical: frozenset[str]


def load_manifest(path: str) -> Manifest:
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = None
    return _load_manifest(path, stamp)


@lru_cache(maxsize=4)
def _load_manifest(path: str, _stamp) -> Manifest:
    """Apollo's persisted query manifest: {"format": "apollo-persisted-query-manifest",
    "version": 1, "operations": [{"id", "name", "type", "body"}]}. A missing or malformed
    file allows nothing (allow-list mode then refuses every document: fail closed)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return Manifest({}, frozenset())
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return Manifest({}, frozenset())
    by_id = {}
    canonical = set()
    for entry in data.get("operations") or []:
        body = entry.get("body") if isinstance(entry, dict) else None
        if not isinstance(body, str):
            continue
        by_id[sha256_hex(body)] = body  # the id is recomputed, never trusted from the file
        form = _canonical_or_none(body)
        if form is not None:
            canonical.add(form)
    return Manifest(by_id, frozenset(canonical))
