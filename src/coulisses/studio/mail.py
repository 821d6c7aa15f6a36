"""E-mail delivery of notifications through SMTP (stdlib ``smtplib``), from the outbox.

Each row is claimed (``pending`` to ``sending``, a conditional UPDATE) before it is sent, so no
row is sent twice even with several workers; a failure puts it back with a growing delay, up to
``MAX_ATTEMPTS``. Without ``smtp_host`` nothing is sent and pending rows are marked ``skipped``.
The SMTP password is never logged nor stored in a row.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from coulisses.settings import Settings
from coulisses.studio.board_tables import MailOutbox
from coulisses.studio.tables import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)
EVERY = 5.0  # seconds between two looks at the outbox (a worker chore)


def _send(settings: Settings, row: MailOutbox, public_url: str) -> None:
    message = EmailMessage()
    message["From"] = settings.smtp_from or "coulisses@localhost"
    message["To"] = row.to_addr
    message["Subject"] = row.subject
    message.set_content(row.body.replace("{base}", public_url))
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


def _claim(db: Session, row_id: int) -> bool:
    result = db.execute(update(MailOutbox).where(MailOutbox.id == row_id,
                                                 MailOutbox.status == "pending")
                        .values(status="sending", attempts=MailOutbox.attempts + 1))
    db.commit()
    return bool(getattr(result, "rowcount", 0) == 1)


def deliver(sessions: sessionmaker[Session], settings: Settings, *, limit: int = 50) -> int:
    """Send the e-mails that are due; how many were sent."""
    with sessions() as db:
        if not settings.smtp_host:
            db.execute(update(MailOutbox).where(MailOutbox.status == "pending")
                       .values(status="skipped"))
            db.commit()
            return 0
        due = list(db.scalars(select(MailOutbox.id).where(
            MailOutbox.status == "pending", MailOutbox.due_at <= utcnow())
            .order_by(MailOutbox.id).limit(limit)))
    sent = 0
    for row_id in due:
        with sessions() as db:
            if not _claim(db, row_id):
                continue  # another worker has it
            row = db.get(MailOutbox, row_id)
            if row is None:
                continue
            try:
                _send(settings, row, settings.public_url.rstrip("/"))
            except (OSError, smtplib.SMTPException) as exc:
                reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                log.warning("mail %d to the outbox's recipient not sent: %s", row.id, reason)
                row.error = reason
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                else:
                    row.status = "pending"
                    row.due_at = utcnow() + FIRST_RETRY * 2 ** (row.attempts - 1)
                db.commit()
                continue
            row.status, row.sent_at, row.error = "sent", utcnow(), ""
            db.commit()
            sent += 1
    return sent
