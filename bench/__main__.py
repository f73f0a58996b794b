"""Run every benchmark and print its table."""

from bench import (
    async_jobs,
    audit,
    camunda_rest,
    decisions,
    engine_commands,
    expressions,
    heap,
    listeners,
    scale_out,
    scripts,
    statements,
    task_list,
    throughput,
    timer_lateness,
    variable_scope,
)
from licflow.wiring import install_procedure

if __name__ == "__main__":
    install_procedure()
    throughput.main()
    engine_commands.main()
    statements.main()
    audit.main()
    task_list.main()
    camunda_rest.main()
    scale_out.main()
    decisions.main()
    expressions.main()
    scripts.main()
    timer_lateness.main()
    heap.main()
    listeners.main()
    async_jobs.main()
    variable_scope.main()
