"""Migration 0008 gives stored applications the identity of their signed content, first come first."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from engine import clock
from engine.dialect.xmlsafe import parse_xml
from licflow.portal_signing import new_key
from procedure.portal.signatures import verify_signed
from store.migrate import alembic_config
from tests.web.portal.test_one_document_one_application import a_comment_in_a_signed_element
from tests.web.signing import Authority

NOW = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)


def test_stored_applications_get_the_identity_of_their_signed_content_and_a_duplicate_keeps_its_own(
    tmp_path,
):
    authority, key = Authority(new_key()), new_key()
    first = authority.signed(key)
    duplicate = a_comment_in_a_signed_element(first)  # once a second case from the same document
    other = authority.signed(key, contractNumber="C-2026-7777")
    url = f"sqlite:///{tmp_path / 'licflow.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "0007_claims")
        _store_as_before(connection, [first, duplicate, other])
    with engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")
        digests = [
            row.digest
            for row in connection.execute(sa.text("SELECT digest FROM portal_applications ORDER BY id"))
        ]
    engine.dispose()

    identity = {
        name: _identity(authority, document) for name, document in (("first", first), ("other", other))
    }
    assert digests == [identity["first"], "old-2", identity["other"]]


def _identity(authority: Authority, document: bytes) -> str:
    return verify_signed(parse_xml(document), [authority.certificate], clock.now()).identity


def _store_as_before(connection, documents: list[bytes]) -> None:
    connection.execute(
        sa.text(
            "INSERT INTO process_definitions (id, key, version, name, content_hash, source, spec, "
            "deployed_at, deployed_by) VALUES (1, 'license_issuance', 1, NULL, 'x', '{}', '', :now, 'test')"
        ),
        {"now": NOW},
    )
    for number, document in enumerate(documents, start=1):
        connection.execute(
            sa.text(
                "INSERT INTO cases (id, business_key, definition_id, status, state, started_at, updated_at, "
                "revision) VALUES (:id, :key, 1, 'running', '', :now, :now, 1)"
            ),
            {"id": f"case-{number}", "key": f"APP-2026-{number:06d}", "now": NOW},
        )
        connection.execute(
            sa.text(
                "INSERT INTO portal_applications (number, applicant_id, case_id, digest, document, "
                "signer_subject, signer_certificate_serial, submitted_at, submitted_by) VALUES (:key, "
                "'150440001110', :case, :digest, :document, 'CN=Test Signer', '1', :now, 'dala')"
            ),
            {
                "key": f"APP-2026-{number:06d}",
                "case": f"case-{number}",
                "digest": f"old-{number}",
                "document": document.decode(),
                "now": NOW,
            },
        )
