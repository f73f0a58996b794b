"""A loopback SMTP sink: keeps every message licflow sends, once per Message-ID.

A retried send of a message already received is accepted (250) but not kept twice,
so a test sees what a person's mailbox would show.
"""

from __future__ import annotations

import email
import email.policy
import re
import threading
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class _PortZeroController(Controller):
    """An aiosmtpd controller that may bind port 0 and learns the port it got."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class MailSink:
    """An SMTP server on a loopback port that keeps what it receives in memory and in .eml files."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, directory: Path | str | None = None) -> None:
        self.host = host
        self.port = port
        self.directory = Path(directory) if directory is not None else None
        self._messages: list[EmailMessage] = []
        self._message_ids: set[str] = set()
        self._lock = threading.Lock()
        self._controller: _PortZeroController | None = None

    def start(self) -> None:
        """Bind and start serving; `.port` is then the port actually bound."""
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        self._controller = _PortZeroController(self, hostname=self.host, port=self.port)
        self._controller.start()
        self.port = self._controller.port

    def stop(self) -> None:
        """Stop serving; the messages received stay readable."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[EmailMessage]:
        """Return the messages received, oldest first, each Message-ID once."""
        with self._lock:
            return list(self._messages)

    async def handle_DATA(self, server, session, envelope) -> str:
        """Keep the message unless one with its Message-ID was kept already."""
        content = envelope.original_content or envelope.content
        message = email.message_from_bytes(content, policy=email.policy.default)
        self.keep(message, content)
        return "250 Message accepted for delivery"

    def keep(self, message: EmailMessage, content: bytes) -> bool:
        """Keep `message` (and write it as .eml); return False when its Message-ID was seen before."""
        message_id = (message.get("Message-ID") or "").strip()
        with self._lock:
            if message_id and message_id in self._message_ids:
                return False
            if message_id:
                self._message_ids.add(message_id)
            self._messages.append(message)
            number = len(self._messages)
        if self.directory is not None:
            name = re.sub(r"[^A-Za-z0-9.@_-]", "", message_id)[:80] or "no-message-id"
            (self.directory / f"{number:04d}-{name}.eml").write_bytes(content)
        return True
