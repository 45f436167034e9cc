"""N3.2: safety information sent by e-mail through a real local SMTP server (aiosmtpd, started here): the Japanese
subject and body arrive correctly encoded, a refused recipient is FAILED and shown, a resend delivers it, a temporary
refusal is retried, and mails left queued by a stopped worker are sent by the next run."""

from __future__ import annotations

import email
import email.policy
import re
import socket

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from liaison.network import tasks_info
from liaison.network.models import Delivery, Distribution

from .info_helpers import Consent, contact, item
from .test_info import run_worker_once

pytestmark = pytest.mark.django_db


class Handler:
    """An SMTP server that keeps what it receives and refuses the addresses it is told to."""

    def __init__(self):
        self.refuse: set[str] = set()  # 550: refused for good
        self.busy: dict[str, int] = {}  # 451 this many more times, then accepted
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        if self.busy.get(address):
            self.busy[address] -= 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.received.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(content, policy=email.policy.default)
            for tos, content in self.received
            if address in tos
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings, monkeypatch):
    handler = Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    monkeypatch.setattr(tasks_info, "RETRY_PAUSES", (0.0, 0.0))  # the retries, without the waiting
    yield handler
    controller.stop()


def _distribute(world, client, own):
    url = reverse("network:info_distribute", args=[own.pk])
    token = re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode()).group(1)
    response = client.post(url, {"form_token": token, "method": "email"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Distribution.objects.get()


def test_n3_2_email_reaches_a_real_smtp_server_a_refused_recipient_is_shown_and_resent(world, client_for, smtp):
    """N3.2: e-mail goes to the consenting contact persons who want it, through the SMTP server, in Japanese; the
    one the server refuses (550) is FAILED with the server's reason on the page; once the server takes it, "resend"
    delivers it, and the one already sent is not sent twice."""
    ok = contact(world, "青木", "アオキ", email="aoki@example.jp")
    refused = contact(world, "井上", "イノウエ", email="inoue@example.jp")
    contact(world, "上田", "ウエダ", email="ueda@example.jp", wants_email=False)  # wants no mail
    contact(world, "江藤", "エトウ", Consent.WITHDRAWN, email="eto@example.jp")  # withdrew (N4.2)
    smtp.refuse.add("inoue@example.jp")
    own = item(world, title="特殊詐欺の電話が多発しています", area="青葉区全域")
    client = client_for("community_section")
    distribution = _distribute(world, client, own)
    assert set(distribution.deliveries.values_list("status", flat=True)) == {Delivery.Status.QUEUED}
    assert smtp.received == []  # nothing is sent in the request

    run_worker_once()

    [message] = smtp.to("aoki@example.jp")
    # Python folds a long encoded subject onto the next line ("Subject:" CRLF SP "=?utf-8?b?…"); the parser keeps
    # that fold's space, which mail programs drop.
    assert message["Subject"].strip() == "【地域安全情報】特殊詐欺の電話が多発しています"
    raw = smtp.received[0][1].decode("ascii", errors="replace")
    assert re.search(r"^Subject:\s+=\?utf-8\?", raw, re.MULTILINE)  # encoded for the wire (RFC 2047)
    assert 'charset="utf-8"' in raw
    body = message.get_content()
    assert "青木 花子 様" in body and "ATMで還付金は受け取れません。" in body and "対象地域：青葉区全域" in body
    assert {tos[0] for tos, _ in smtp.received} == {"aoki@example.jp"}
    deliveries = {d.contact_id: d for d in distribution.deliveries.all()}
    assert set(deliveries) == {ok.pk, refused.pk}
    assert deliveries[ok.pk].status == Delivery.Status.SENT and deliveries[ok.pk].done_at is not None
    failed = deliveries[refused.pk]
    assert failed.status == Delivery.Status.FAILED and "550" in failed.last_error
    assert failed.attempts == 1  # a permanent refusal is not retried

    page = client.get(reverse("network:distribution_detail", args=[distribution.pk])).content.decode()
    row = page[page.index(f'id="delivery-{failed.pk}"') :].split("</tr>")[0]
    assert "送信失敗" in row and "550 5.1.1 No such user here" in row
    assert "送信できなかった人に再送する" in page

    smtp.refuse.clear()
    resent = client.post(reverse("network:distribution_resend", args=[distribution.pk]))
    assert resent.status_code == 302
    run_worker_once()
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.SENT and failed.last_error == ""
    assert len(smtp.to("inoue@example.jp")) == 1 and len(smtp.to("aoki@example.jp")) == 1
    page = client.get(reverse("network:distribution_detail", args=[distribution.pk])).content.decode()
    assert "送信失敗" not in page


def test_n3_2_a_temporary_refusal_is_retried(world, client_for, smtp):
    """N3.2: a 4xx answer is tried again (a growing pause between tries); the mail then arrives once."""
    busy = contact(world, "小野", "オノ", email="ono@example.jp")
    smtp.busy["ono@example.jp"] = 1
    distribution = _distribute(world, client_for("community_section"), item(world))
    run_worker_once()
    delivery = distribution.deliveries.get(contact=busy)
    assert delivery.status == Delivery.Status.SENT and delivery.attempts == 2
    assert len(smtp.to("ono@example.jp")) == 1


def test_n3_2_mails_left_queued_by_a_stopped_worker_are_sent_by_the_next_run(world, client_for, smtp):
    """N3.2: nothing is lost: a worker that stopped between queueing and sending leaves QUEUED deliveries (shown on
    the page); sending again picks them up."""
    from django_tasks_db.models import DBTaskResult

    waiting = contact(world, "加藤", "カトウ", email="kato@example.jp")
    client = client_for("community_section")
    distribution = _distribute(world, client, item(world))
    DBTaskResult.objects.all().delete()  # the worker died before it ran the task
    page = client.get(reverse("network:distribution_detail", args=[distribution.pk])).content.decode()
    assert "送信待ち" in page and "送信待ちのメールを送信し直す" in page
    client.post(reverse("network:distribution_resend", args=[distribution.pk]))
    run_worker_once()
    assert distribution.deliveries.get(contact=waiting).status == Delivery.Status.SENT
    assert len(smtp.to("kato@example.jp")) == 1
