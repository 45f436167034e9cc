import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    """What a real SMTP server received; ``refuse`` messages are refused with a temporary error first."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def bodies(self) -> list[str]:
        return [m.get_body(preferencelist=("plain",)).get_content() for m in self.messages]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A local SMTP server (aiosmtpd) on a free port, with the mail settings pointing at it."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://liaison.example.jp"
    settings.DIGEST_RETRY_SECONDS = 0
    yield inbox
    controller.stop()
