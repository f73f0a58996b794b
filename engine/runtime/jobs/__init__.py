"""Jobs: the async continuations of cases (camunda:asyncBefore / asyncAfter), run by the timer service.

A case that reaches an async boundary commits there and waits in a held step
(`engine.dialect.constructs.async_steps`); its job is a due-now row of the `timers` table
(kind "job"), claimed and fired by the timer sweep like any timer, once across serving
processes. `continuations` runs a job in a savepoint of its own: a failure rolls back to the
boundary, counts down the job's retries and, when none are left, becomes an incident at the
element, which a retry (the incident's, or REST `PUT /job/{id}/retries`) revives.
"""
