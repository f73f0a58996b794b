"""External tasks: the work that workers outside the engine fetch, lock and report on.

`tasks` holds fetch-and-lock by topic, completion, technical failures with retries and
backoff, BPMN errors, lock expiry and the incidents that follow; `remote` is what the
Camunda REST API reads and asks of them; `worker_loop` runs registered worker functions in
the serving process. It stands on `runtime` (each report is one command) and may use
`dialect`, the shared modules of `engine` and `store`; never `people` or `history`.
"""
