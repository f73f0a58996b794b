"""Read the decisions of a parsed DMN `<definitions>` element into plain definition dicts.

The XML is parsed elsewhere (with the hardened parser); this module only walks elements.
"""

from __future__ import annotations

from engine.dialect.decision_errors import DecisionError

DMN_NAMESPACES = {
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
}
CAMUNDA_DMN = "{http://camunda.org/schema/1.0/dmn}"
FEEL_LANGUAGES = {
    "feel",
    "http://www.omg.org/spec/feel/20140401",
    "https://www.omg.org/spec/feel/20140401",
    "http://www.omg.org/spec/dmn/20180521/feel",
    "https://www.omg.org/spec/dmn/20191111/feel",
}
UNSUPPORTED_LOGIC = ("context", "invocation", "relation", "list", "functionDefinition", "conditional")
MAX_TABLE_CELLS = 100_000


class _Reader:
    def __init__(self, root):
        if hasattr(root, "getroot"):
            root = root.getroot()
        tag = getattr(root, "tag", None)
        if not isinstance(tag, str) or not tag.startswith("{"):
            raise DecisionError("a DMN document must be an XML element <definitions> in a DMN namespace")
        namespace, _, local = tag[1:].partition("}")
        if namespace not in DMN_NAMESPACES or local != "definitions":
            known = ", ".join(DMN_NAMESPACES)
            raise DecisionError(f"<{local}> in namespace {namespace!r} is not DMN <definitions> ({known})")
        self.root, self.ns = root, "{" + namespace + "}"
        self.default_language = root.get("expressionLanguage")

    def children(self, element, name: str) -> list:
        return element.findall(self.ns + name)

    def text(self, element, name: str = "text") -> str:
        child = element.find(self.ns + name)
        return "" if child is None else (child.text or "")

    def check_feel(self, element, where: str, default: str | None = None) -> None:
        language = element.get("expressionLanguage") or default
        if language and language.strip().lower().rstrip("/") not in FEEL_LANGUAGES:
            raise DecisionError(f"{where} is written in {language!r}; licflow evaluates FEEL only")

    def decisions(self) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for element in self.children(self.root, "decision"):
            definition = self.decision(element)
            if definition["id"] in found:
                raise DecisionError(f"decision id {definition['id']!r} is defined twice")
            found[definition["id"]] = definition
        return found

    def decision(self, element) -> dict:
        decision_id = element.get("id")
        if not decision_id:
            raise DecisionError(f"a decision ({element.get('name') or 'without a name'}) has no id")
        where = f"decision {decision_id!r}"
        for tag in UNSUPPORTED_LOGIC:
            if element.find(self.ns + tag) is not None:
                raise DecisionError(
                    f"{where} uses <{tag}>; licflow evaluates decision tables and literal expressions only"
                )
        if self.children(element, "knowledgeRequirement"):
            raise DecisionError(
                f"{where} has a knowledge requirement (business knowledge model); not supported"
            )
        definition = {"id": decision_id, "name": element.get("name") or decision_id}
        definition["required"] = self.required(element, where)
        table, literal = element.find(self.ns + "decisionTable"), element.find(self.ns + "literalExpression")
        if table is not None:
            definition["table"] = self.table(table, where)
        elif literal is not None:
            definition["literal"] = self.literal(element, literal, where)
        else:
            raise DecisionError(f"{where} has no decision logic (a decisionTable or a literalExpression)")
        return definition

    def required(self, element, where: str) -> list[str]:
        required = []
        for requirement in self.children(element, "informationRequirement"):
            for reference in self.children(requirement, "requiredDecision"):
                href = reference.get("href") or ""
                if not href.startswith("#") or len(href) < 2:
                    raise DecisionError(f"{where} requires a decision by {href!r}; expected '#decision_id'")
                required.append(href[1:])
        return required

    def literal(self, decision, literal, where: str) -> dict:
        self.check_feel(literal, f"{where} literal expression", self.default_language)
        variable = decision.find(self.ns + "variable")
        return {
            "id": literal.get("id") or "",
            "text": self.text(literal),
            "variable": variable.get("name") if variable is not None else None,
            "type_ref": (variable.get("typeRef") if variable is not None else None) or literal.get("typeRef"),
        }

    def table(self, table, where: str) -> dict:
        inputs = [self.input(element, where) for element in self.children(table, "input")]
        outputs = [self.output(element) for element in self.children(table, "output")]
        rule_elements = self.children(table, "rule")
        if len(rule_elements) * (len(inputs) + len(outputs)) > MAX_TABLE_CELLS:
            raise DecisionError(f"{where} has more than {MAX_TABLE_CELLS} cells")
        return {
            "id": table.get("id") or "",
            "hit_policy": table.get("hitPolicy") or "UNIQUE",
            "aggregation": table.get("aggregation"),
            "inputs": inputs,
            "outputs": outputs,
            "rules": [self.rule(element, where) for element in rule_elements],
        }

    def input(self, element, where: str) -> dict:
        expression = element.find(self.ns + "inputExpression")
        text, type_ref = "", None
        if expression is not None:
            self.check_feel(expression, f"{where} input {element.get('id')!r}", self.default_language)
            text, type_ref = self.text(expression), expression.get("typeRef")
        return {
            "id": element.get("id") or "",
            "label": element.get("label") or "",
            "expression": text,
            "type_ref": type_ref,
            "input_variable": element.get(CAMUNDA_DMN + "inputVariable") or "cellInput",
        }

    def output(self, element) -> dict:
        values = element.find(self.ns + "outputValues")
        return {
            "id": element.get("id") or "",
            "name": element.get("name") or "",
            "label": element.get("label") or "",
            "type_ref": element.get("typeRef"),
            "output_values": self.text(values) if values is not None else "",
        }

    def rule(self, element, where: str) -> dict:
        rule_id = element.get("id") or ""
        entries = {"inputEntry": [], "outputEntry": []}
        for kind, texts in entries.items():
            for entry in self.children(element, kind):
                self.check_feel(entry, f"{where} rule {rule_id!r} {kind} {entry.get('id')!r}")
                texts.append(self.text(entry))
        return {
            "id": rule_id,
            "input_entries": entries["inputEntry"],
            "output_entries": entries["outputEntry"],
        }


def read_definitions(root) -> dict[str, dict]:
    """Return the definition dict of every decision under `root`, by decision id."""
    return _Reader(root).decisions()
