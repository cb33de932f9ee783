"""Every SQL statement of core, one module per table group; callers name what they want.

Only this package and `core/store.py` write SQL or ask which dialect they speak (the
migrations keep their own); tests/test_architecture.py and the import-linter contracts
hold the rest of core to that. Each function takes an open `Db` (the caller owns the
transaction) unless it says otherwise.
"""
