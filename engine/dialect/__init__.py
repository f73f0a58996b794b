"""Reading diagrams as Camunda 7 writes them: hardened XML, the Camunda parser, expressions.

Here live the XML guard every document passes (`xmlsafe`), SpiffWorkflow's Camunda parser
extended with the attributes licflow executes (`parser`), the evaluation of conditions,
timer and due-date expressions and scripts (`expressions`), the hook that makes
SpiffWorkflow's timers read the engine's clock (`timer_clock`) and bpmnlint (`diagram_lint`);
in `constructs` the Camunda 7 palette: what deploy refuses and how the rest runs.
It may use the engine's shared modules (`clock`, `errors`, `extensions`) and nothing else
of the engine: it knows no database and no running case.
"""
