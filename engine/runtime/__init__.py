"""Running cases: one command is one transaction of state, projections and history.

`commands` loads a case (`cases`), applies one change, runs the engine to its next wait
states (`waits`) and saves the state (`serializer`), what can be waited on (`projections`:
user tasks, external tasks, timers, message subscriptions) and the events (`history`)
together. Around it: deployed versions (`definitions`), `messages`, `timers`,
`external_tasks` and their REST view (`remote_tasks`), the workers' `reports` kept so
that the same report again gets the same answer, the in-process `worker_loop`,
`numbers`, form submissions (`forms`) and the digest replay compares (`state_summary`).
It may use `dialect`, the shared modules of `engine` and `store`; never `people` or `history`.
"""
