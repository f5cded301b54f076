"""Accounts (who signs in) and profiles (who is watching)."""

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.config import Config
from webapp.extensions import db
from webapp.models.base import utcnow

MAX_PROFILES = 5


def _hash_method() -> str:
    """The app's PASSWORD_HASH_METHOD; Config's outside an app (scripts hashing in bulk)."""
    if has_app_context():
        return current_app.config["PASSWORD_HASH_METHOD"]
    return Config.PASSWORD_HASH_METHOD


class Account(UserMixin, db.Model):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # No longer read: sign-in sessions (SignInSession) decide who is signed in.
    session_token: Mapped[str] = mapped_column(String(64), default="")
    # The IANA zone a browser of this household last sent: the home page's
    # local time of day when a request comes without one.
    time_zone: Mapped[str | None] = mapped_column(String(64))

    profiles: Mapped[list["Profile"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="Profile.id"
    )

    def set_password(self, password: str) -> None:
        """Hash with scrypt (Werkzeug's current default) unless the config names another method."""
        self.password_hash = generate_password_hash(password, method=_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # The sign-in session this request runs in; set at sign-in and by the user loader.
    sign_in_session = None

    def get_id(self) -> str | None:
        """Flask-Login's id: the sign-in session's id, which the user loader checks."""
        return self.sign_in_session.id if self.sign_in_session is not None else None


class Profile(db.Model):
    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("account_id", "name", name="uq_profiles_account_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40))
    avatar_color: Mapped[str] = mapped_column(String(7), default="#e50914")
    # The oldest minimum age this profile may see (see webapp.catalog.maturity).
    maturity_limit: Mapped[int] = mapped_column(default=18)
    is_kids: Mapped[bool] = mapped_column(default=False)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    history_paused: Mapped[bool] = mapped_column(default=False)
    # Leaves AI-generated titles out everywhere (see webapp.catalog.visibility).
    hide_ai_generated: Mapped[bool] = mapped_column(default=False)
    onboarded: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    account: Mapped[Account] = relationship(back_populates="profiles")

    def set_pin(self, pin: str | None) -> None:
        self.pin_hash = generate_password_hash(pin, method=_hash_method()) if pin else None

    def check_pin(self, pin: str) -> bool:
        return self.pin_hash is None or check_password_hash(self.pin_hash, pin or "")

    @property
    def has_pin(self) -> bool:
        return self.pin_hash is not None


class SignInSession(db.Model):
    """One signed-in browser or device; revoking it signs that device out everywhere it is copied."""

    __tablename__ = "sign_in_sessions"

    # A random token: the signed session and remember-me cookies carry it.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(80), default="")
    revoked_at: Mapped[datetime | None] = mapped_column()


class SecretFailure(db.Model):
    """Wrong PINs or passwords in a row, per account and per secret, shared by every worker."""

    __tablename__ = "secret_failures"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    # "password", or "pin:<profile id>" for a profile's PIN.
    secret: Mapped[str] = mapped_column(String(24), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(default=utcnow)
