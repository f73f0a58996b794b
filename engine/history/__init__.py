"""Proving what happened: the hash chain checked, heads exported, replay and what-if.

`chain_check` verifies every case's chain of history events and names the first broken
link; `heads` exports head hashes per case and per day; `replay` (with `replay_steps`)
rebuilds a case from its pinned definition and recorded inputs and compares each step;
`verdict` says what a replay found; `what_if` replays recorded cases against changed
diagrams in memory; `record`, `record_pdf` and `steps` are the auditor's record and
step-through. The events themselves are written by `runtime.history`, inside each command.
It may use `runtime`, `dialect`, the shared modules of `engine` and `store`; never `people`.
"""
