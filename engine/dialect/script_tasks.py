"""Script tasks whose script is checked at deploy and run sandboxed in the language it names.

`scriptFormat` picks the language (`engine.dialect.scripts`: python, the safe subset, or
javascript); a language licflow does not run (groovy, ...), a script that does not parse, an
external script (`camunda:resource`) or a `camunda:resultVariable` is refused at deploy with a
message naming the element and what to write instead. The language is kept in the task spec's
extensions so the script engine runs each script in its own language.
"""

from __future__ import annotations

from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, ScriptTaskParser

from engine.dialect.expressions import SCRIPT_FORMAT, compiled_script
from engine.dialect.scripts import ScriptError

CAMUNDA = "{" + CAMUNDA_MODEL_NS + "}"


class SandboxedScriptTaskParser(ScriptTaskParser):
    """Parse a script task, refusing at deploy what the sandbox cannot run."""

    def create_task(self):
        name = self.node.get("name") or self.bpmn_id
        if self.node.get(CAMUNDA + "resource"):
            self.raise_validation_exception(
                f"script task {self.bpmn_id} ({name}) loads its script from camunda:resource; "
                "write the script inline in the task instead"
            )
        if self.node.get(CAMUNDA + "resultVariable"):
            self.raise_validation_exception(
                f"script task {self.bpmn_id} ({name}) sets camunda:resultVariable, which licflow does not "
                "support; set the variable in the script with execution.setVariable('name', value) instead"
            )
        try:
            compiled_script(self.node.get("scriptFormat"), self.get_script() or "", self.bpmn_id)
        except ScriptError as error:
            self.raise_validation_exception(str(error))
        return super().create_task()

    def parse_extensions(self, node=None):
        extensions = dict(super().parse_extensions(node) or {})
        extensions[SCRIPT_FORMAT] = self.node.get("scriptFormat")
        return extensions
