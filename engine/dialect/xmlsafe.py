"""A hardened XML parser: no DTD, no entities, no network; used for every XML we read."""

from __future__ import annotations

from lxml import etree

from engine.errors import InvalidXml, UnsafeXml

MAX_XML_BYTES = 10 * 1024 * 1024


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_xml(content: bytes | str, name: str = "document") -> etree._Element:
    """Parse `content` and return its root element, refusing DTDs and entities outright."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if len(data) > MAX_XML_BYTES:
        raise InvalidXml(f"{name}: {len(data)} bytes is more than the {MAX_XML_BYTES} allowed")
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise UnsafeXml(f"{name}: a DOCTYPE or ENTITY declaration is not allowed in licflow XML")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as error:
        raise InvalidXml(f"{name}: not well-formed XML: {error}") from error
    if root.getroottree().docinfo.internalDTD is not None:  # defence in depth
        raise UnsafeXml(f"{name}: a DTD is not allowed in licflow XML")
    return root
