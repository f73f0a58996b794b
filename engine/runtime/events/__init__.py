"""How cases begin and how events travel between cases: start events and signals.

`starts` begins a case at its none start event or at the message, signal or timer start
event that fired; `start_events` keeps, at deploy, the start events of each process's
newest version (message and signal subscriptions, timer starts as durable timers) and
fires a due timer start; `signals` hands a signal thrown in one case to every other case
and signal start event that waits for it, in the same transaction; `condition_starts` starts
a case at each conditional start event whose condition holds (Camunda's `POST /condition`).
"""
