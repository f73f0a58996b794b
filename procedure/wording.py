"""The Rules' wording of license kinds, trade directions and an application's documents.

One-time and exclusive licenses are the Rules' own (para 5: "біржолғы лицензия",
"айрықша лицензия"); the general license comes from the EEC rules the Rules follow
(EEC Board Decision 199), in its official wording ("бас лицензия", "генеральная
лицензия"). The variables keep the codes (`one_time`, `export`, `permit`); people read
these names, translated through the catalogs.
"""

from __future__ import annotations

from engine.i18n import N_, translator

# para 3, para 5: the kinds a license case is for
LICENSE_KINDS: dict[str, str] = {
    "one_time": N_("one-time license"),  # para 5: at most a year, cut by the contract
    "general": N_("general license"),  # EEC Board Decision 199: at most a year, no one contract
    "exclusive": N_("exclusive license"),  # para 5: the term of the Government decision
}
# para 9: licenses for export and for import
DIRECTIONS: dict[str, str] = {"export": N_("export"), "import": N_("import")}
# appendix 1 item 8: the documents of an application (the variables' `documents`)
DOCUMENTS: dict[str, str] = {
    "application": N_("the application (forms 1 and 2)"),  # item 8(1)
    "contract": N_("the foreign trade contract"),  # para 5, item 8(1)
    "fee_receipt": N_("the proof the license fee was paid"),  # item 8(2)
    "government_decision": N_("the Government decision"),  # para 5: exclusive licenses
    "permit": N_("the permit confirming the qualification"),  # item 8(3)
}


def _named(names: dict[str, str], code: str, language: str | None) -> str:
    name = names.get(code)
    return translator(language)(name) if name else code  # an unknown code is shown as it is


def kind_name(kind: str, language: str | None) -> str:
    """Return the name of license kind `kind` ("one_time") in `language`."""
    return _named(LICENSE_KINDS, kind, language)


def direction_name(direction: str, language: str | None) -> str:
    """Return the name of trade direction `direction` ("export") in `language`."""
    return _named(DIRECTIONS, direction, language)


def document_name(document: str, language: str | None) -> str:
    """Return the name of an application's document `document` ("permit") in `language`."""
    return _named(DOCUMENTS, document, language)
