"""The full-screen TUI (Textual). The only package that imports textual."""
