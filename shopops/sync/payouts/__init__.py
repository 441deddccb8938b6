"""Payouts: Shopify Payments payouts, balance transactions and disputes (BC reports 30105 and 30120).

Modules: ``sync_payouts`` (the report).

Tables owned (``shopops.store.tables.payouts``): ``shopify_payout``, ``shopify_balance_transaction``,
``shopify_dispute``.
"""
