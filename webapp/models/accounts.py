"""Accounts (who signs in) and profiles (who is watching)."""

from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db
from webapp.models.base import utcnow

MAX_PROFILES = 5


def _hash_method() -> str:
    # Tests lower the cost (PASSWORD_HASH_METHOD) the way Django's test settings do;
    # production always uses scrypt.
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


class Account(UserMixin, db.Model):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped on password change and sign-out-everywhere; part of the login token
    # so that old remember-me cookies stop working.
    session_token: Mapped[str] = mapped_column(String(64), default="")

    profiles: Mapped[list["Profile"]] = relationship(
        back_populates="account", cascade="all, delete-orphan", order_by="Profile.id"
    )

    def set_password(self, password: str) -> None:
        """Hash with scrypt (Werkzeug's current default) unless the config names another method."""
        self.password_hash = generate_password_hash(password, method=_hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class Profile(db.Model):
    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("account_id", "name", name="uq_profiles_account_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
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
