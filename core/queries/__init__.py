"""Every SQL statement of the use cases, one module per table group; only here and
core/store.py branch on the dialect."""
