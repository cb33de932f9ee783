"""The `todo` command and its full-screen interface."""

__version__ = "0.1.0"
