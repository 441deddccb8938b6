"""The sandbox's HTTP side: the loopback server and its routes (``server``) and the faults it can
inject (``faults``: 5xx, slow answers, connection resets).
"""
