"""The sandbox's GraphQL engine: one request from parse to answer (``execute``), the served schema
(``schema``, ``defaults``), query cost (``cost``), the leaky bucket (``throttle``), cursor paging
(``paging``), the ``query:`` search syntax (``search``), tokens and scopes (``auth``) and Shopify's
error shapes (``errors``).
"""
