"""Service-task workers of the license procedure, one module per family of tasks.

Each module has a `registry` (an `engine.worker.WorkerRegistry`); `MODULES` lists them.
"""

MODULES = (
    "workers.cabinet",
    "workers.completeness",
    "workers.fees",
    "workers.qualification",
    "workers.consultation",
    "workers.grounds",
    "workers.notices",
    "workers.issuance",
    "workers.records",
)
