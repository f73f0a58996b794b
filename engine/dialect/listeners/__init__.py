"""Execution and task listeners of type expression and script, run where Camunda 7 runs them.

`reading` reads `camunda:executionListener` and `camunda:taskListener` of each element (and of
the process) into the task spec's extensions at deploy, and gives every flow with a `take`
listener a synthetic pass-through event (`<flow>__take`) that runs them once per take;
`hooks` runs them on the task spec's moments: start when the element is entered, end when it
completes or is cancelled, a user task's create, assignment, complete and delete; `running`
evaluates one listener, a JUEL expression or a sandboxed script with `execution` (and `task`)
bound, in the command's transaction: a failure fails the command, naming element and listener.
Java classes and delegate expressions are refused at deploy (`constructs.refusals`).
"""
