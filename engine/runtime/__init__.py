"""Running cases: one command is one transaction of state, projections and history.

`commands` loads a case (`cases`), applies one change, runs the engine to its next wait
states (`waits`) and saves the state (`serializer`), what can be waited on (`projections`:
user tasks, external tasks, timers, message subscriptions) and the events (`history`)
together. Around it: deployments and their versions (`deployments`, `definitions`,
`decisions`), `messages`, `timers`, `numbers`, documents attached to a case (`documents`),
the cache of recently saved cases (`case_cache`), form submissions (`forms`), the digest
replay compares (`state_summary`), the processes call activities find when they start
(`calls`), and in `events` how cases begin (start events) and how signals travel between
them. It may use `dialect`, the shared modules of `engine` and `store`; never `external`,
`people` or `history`.
"""
