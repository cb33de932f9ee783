"""SQL for reading tasks: filters compiled to WHERE clauses over `task t`."""
