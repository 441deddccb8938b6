"""The sandbox's shop state: in-memory tables, sequences and clock of one shop (``store``), orders as
data (``orders_model``), deterministic seed data (``seed``, ``seed_orders``) and JSON snapshots
(``snapshot``).
"""
