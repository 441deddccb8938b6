"""Resolvers per operation family; each module exposes ``RESOLVERS`` (type -> field -> function)."""
