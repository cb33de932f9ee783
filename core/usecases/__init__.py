"""The use cases, one module per feature; `core.service.TaskService` is their facade.

Each function takes the owner's `UnitOfWork` first and writes only through it.
"""
