"""Modal screens: edit, confirm, help."""
