"""Hostile XML is refused with a clear error and reads nothing."""

from __future__ import annotations

import pytest

from engine.dialect.parser import parse_documents
from engine.dialect.xmlsafe import parse_xml
from engine.errors import InvalidXml, UnsafeXml

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY secret SYSTEM "file://%s">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" name="&secret;" isExecutable="true"/>
</bpmn:definitions>"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <bpmn:process id="p" name="&lol9;" isExecutable="true"/>
</bpmn:definitions>"""


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT")
    return path


def test_an_external_entity_to_a_local_file_is_refused_and_the_file_is_not_read(secret_file):
    with pytest.raises(UnsafeXml) as refused:
        parse_documents({"evil.bpmn": XXE % str(secret_file).encode()})

    assert "DOCTYPE" in str(refused.value)
    assert "TOP-SECRET-CONTENT" not in str(refused.value)


def test_an_entity_expansion_bomb_is_refused(secret_file):
    with pytest.raises(UnsafeXml):
        parse_documents({"bomb.bpmn": BOMB})


def test_a_dmn_upload_goes_through_the_same_hardened_parser(secret_file):
    with pytest.raises(UnsafeXml):
        parse_documents({"evil.dmn": XXE % str(secret_file).encode()})


def test_malformed_xml_gets_a_clear_error():
    with pytest.raises(InvalidXml, match="not well-formed"):
        parse_xml(b"<bpmn:definitions", "broken.bpmn")


def test_an_oversized_document_is_refused_before_parsing():
    with pytest.raises(InvalidXml, match="bytes is more than"):
        parse_xml(b"<a>" + b"x" * (11 * 1024 * 1024) + b"</a>", "huge.bpmn")
