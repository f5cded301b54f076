"""Sending mail: one `send_mail` over SMTP, or into a folder where no mail server is set.

The backend comes from Config: "smtp" (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS,
MAIL_USERNAME, MAIL_PASSWORD) or "file", which writes each message as an .eml
file into MAIL_DIR (the instance folder's "mail" unless set), so that `make demo` and tests can follow a mailed link
offline. SMTP delivery runs on a daemon thread: a request that sends mail
answers as fast as one that does not, so timing never tells whether an address
has an account.
"""

import logging
import smtplib
import threading
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)
BACKENDS = ("smtp", "file")


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=cfg["MAIL_SENDER"].rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text message through the configured backend."""
    cfg = current_app.config
    message = build_message(to, subject, body)
    backend = cfg["MAIL_BACKEND"]
    if backend == "file":
        _write(mail_dir(), message)
    elif backend == "smtp":
        settings = {k: cfg[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
        settings |= {k: cfg[k] for k in ("MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_TIMEOUT")}
        threading.Thread(target=_deliver, args=(settings, message), daemon=True).start()
    else:
        raise ValueError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")


def mail_dir() -> Path:
    """Where the file backend writes: MAIL_DIR, else the instance folder's "mail"."""
    return Path(current_app.config["MAIL_DIR"] or Path(current_app.instance_path) / "mail")


def _write(folder: Path, message: EmailMessage) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    path = folder / f"{name}.eml"
    path.write_bytes(bytes(message))
    log.info("mail to %s written to %s", message["To"], path)
    return path


def _deliver(settings: dict, message: EmailMessage) -> None:
    """Hand one message to the SMTP server; a failure is logged, never raised at a viewer."""
    try:
        with smtplib.SMTP(
            settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=settings["MAIL_TIMEOUT"]
        ) as smtp:
            if settings["MAIL_USE_TLS"]:
                smtp.starttls()
            if settings["MAIL_USERNAME"]:
                smtp.login(settings["MAIL_USERNAME"], settings["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail to %s not sent: %s", message["To"], exc)
