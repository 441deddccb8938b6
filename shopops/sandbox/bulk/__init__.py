"""Bulk query operations of the sandbox: what Shopify refuses in a bulk query (``validate``), how long an
operation takes and how far it has got (``progress``), the JSONL file it writes (``jsonl``) and the
background run that executes it in chunks of root nodes without holding the shop's lock (``runner``).

The GraphQL side (``bulkOperationRunQuery`` and friends) stays in :mod:`shopops.sandbox.resolvers.bulk`;
the timing settings of a shop are :class:`shopops.sandbox.state.bulk_timing.BulkTiming`.
"""
