"""portal applications are identified by their signed content, not by the bytes sent

Revision ID: 0008_signed_identity
Revises: 0007_claims

An application's digest was the SHA-256 of the whole document as sent, signature and
comments included; it is now the SHA-256 of the signed content (the document without
its enveloped ds:Signature) in exclusive canonical form without comments, which is
what the portal computes since (procedure/portal/signatures.identity_of). When one
signed document had started several applications, the first keeps the new identity
and the later ones keep their old digest, so the document sent again finds the first.
"""

import hashlib

import sqlalchemy as sa
from alembic import op
from lxml import etree

revision = "0008_signed_identity"
down_revision = "0007_claims"
branch_labels = None
depends_on = None

DSIG = "http://www.w3.org/2000/09/xmldsig#"


def signed_identity(document: bytes) -> str | None:
    """Return the identity of a stored signed document, or None if it cannot be read."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError:
        return None
    for signature in root.findall(f"{{{DSIG}}}Signature"):
        previous, tail = signature.getprevious(), signature.tail or ""
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            root.text = (root.text or "") + tail
        root.remove(signature)
    canonical = etree.tostring(root, method="c14n", exclusive=True, with_comments=False)
    return hashlib.sha256(canonical).hexdigest()


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, document FROM portal_applications ORDER BY id")).fetchall()
    taken: set[str] = set()
    for row_id, document in rows:
        identity = signed_identity(document.encode("utf-8"))
        if identity is None or identity in taken:
            continue  # unreadable, or a later application from the same signed content
        taken.add(identity)
        connection.execute(
            sa.text("UPDATE portal_applications SET digest = :digest WHERE id = :id"),
            {"digest": identity, "id": row_id},
        )


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, document FROM portal_applications")).fetchall()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for row_id, document in rows:  # the old digest: the whole stored document, comments included
        root = etree.fromstring(document.encode("utf-8"), parser)
        digest = hashlib.sha256(etree.tostring(root, method="c14n", exclusive=True)).hexdigest()
        connection.execute(
            sa.text("UPDATE portal_applications SET digest = :digest WHERE id = :id"),
            {"digest": digest, "id": row_id},
        )
