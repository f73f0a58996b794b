"""Call activities at run time: which deployed version of a process a call activity calls.

`bindings` resolves `camunda:calledElementBinding` (latest, version, deployment) when the
call activity starts, adds the called definition's specs to the case, records the binding
in the case's history and state, and gives a reloaded case or a replay the same versions.
It stands on `definitions`, `history` and the `serializer`, and nothing in it runs a case.
"""
