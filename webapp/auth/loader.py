"""How Flask-Login finds the signed-in account from the session or remember-me cookie."""

import hmac

from webapp.extensions import db, login_manager
from webapp.models import Account

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
# A changed IP or browser signature forces a fresh sign-in for sensitive steps.
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_account(user_id: str) -> Account | None:
    """The account named by "<id>:<session_token>", if the token is still current.

    Rotating an account's session_token (password change, sign out everywhere)
    makes every older session and remember-me cookie stop working.
    """
    account_id, _, token = (user_id or "").partition(":")
    if not account_id.isdigit() or not token:
        return None
    account = db.session.get(Account, int(account_id))
    if account is None or not hmac.compare_digest(account.session_token or "", token):
        return None
    return account
