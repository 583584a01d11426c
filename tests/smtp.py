"""A real SMTP server for the tests (aiosmtpd), with inboxes to read what arrived."""

import email
import email.policy
import socket
from collections import defaultdict

import pytest
from aiosmtpd.controller import Controller


class Inboxes:
    """Collects each accepted message under every recipient; ``fail`` makes the next N
    deliveries answer a temporary error (451), as a server in trouble does."""

    def __init__(self):
        self.messages = defaultdict(list)
        self.fail = 0
        self.port = None

    async def handle_DATA(self, server, session, envelope):
        if self.fail:
            self.fail -= 1
            return "451 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for address in envelope.rcpt_tos:
            self.messages[address.lower()].append(message)
        return "250 OK"

    def of(self, address: str) -> list:
        return self.messages[address.lower()]

    def count(self) -> int:
        return sum(len(messages) for messages in self.messages.values())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Start an SMTP server on a free port and point Django's e-mail at it."""
    inboxes = Inboxes()
    controller = Controller(inboxes, hostname="127.0.0.1", port=free_port())
    controller.start()
    inboxes.port = controller.port
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inboxes
    controller.stop()


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def calendar_part(message):
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None
