"""A generic Camunda 7 engine on SpiffWorkflow: it runs any diagram and knows no procedure.

Rooms, from the bottom up: `dialect` reads diagrams; `runtime` runs them, one command in
one transaction; `external` hands work to workers outside the engine; `people` and
`history` sit side by side on top (who does what; what happened and whether it can be
proven). The modules at this level are shared by all rooms: `clock` (the only source of
"now"), `errors`, `extensions` (the door a procedure plugs into), `orchestrator` (the front
door for callers), `worker` (the only module workers import) and `pdf_text`. The engine
imports nothing of `procedure`, `web`, `workers` or `licflow`.
"""
