"""What the client needs to know about a GraphQL document before sending it.

Parsed once with graphql-core and cached per document text: the operation type (query or mutation),
the operation name, and whether every mutation root field carries ``@idempotent(key: ...)`` — only then
may a mutation be retried, since Shopify answers a repeated key with the original result.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from graphql import GraphQLSyntaxError, OperationDefinitionNode, OperationType, parse
from graphql.language import FieldNode

from shopops.shopify.errors import ConfigurationError

#: Documents kept parsed.
CACHE_SIZE = 512


@dataclass(frozen=True)
class DocumentInfo:
    """The facts about one operation in a document."""

    operation: str  # "query" | "mutation" | "subscription"
    name: str | None
    root_fields: tuple[str, ...]
    idempotent: bool

    @property
    def is_mutation(self) -> bool:
        return self.operation == "mutation"

    @property
    def retry_safe(self) -> bool:
        """True for queries and for mutations whose every root field carries ``@idempotent``."""
        return not self.is_mutation or self.idempotent

    @property
    def label(self) -> str:
        """A short name for logs: the operation name, else the first root field."""
        return self.name or (self.root_fields[0] if self.root_fields else self.operation)


def _has_idempotent_key(node: FieldNode) -> bool:
    for d in node.directives or ():
        if d.name.value == "idempotent" and any(a.name.value == "key" for a in d.arguments or ()):
            return True
    return False


@lru_cache(maxsize=CACHE_SIZE)
def inspect_document(document: str, operation_name: str | None = None) -> DocumentInfo:
    """Parse ``document`` and describe the operation to run (the named one, or the only one)."""
    try:
        ast = parse(document, no_location=True)
    except GraphQLSyntaxError as exc:
        raise ConfigurationError(f"The GraphQL document does not parse: {exc.message}. Fix its syntax.") from exc
    ops = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        ops = [o for o in ops if o.name is not None and o.name.value == operation_name]
    if len(ops) != 1:
        raise ConfigurationError(
            f"The document must hold exactly one operation, or name one with operation_name (found {len(ops)})."
        )
    op = ops[0]
    fields = [s for s in op.selection_set.selections if isinstance(s, FieldNode)]
    idempotent = op.operation == OperationType.MUTATION and bool(fields) and all(_has_idempotent_key(f) for f in fields)
    return DocumentInfo(
        operation=op.operation.value,
        name=op.name.value if op.name else None,
        root_fields=tuple(f.name.value for f in fields),
        idempotent=idempotent,
    )
