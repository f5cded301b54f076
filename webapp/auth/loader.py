"""How Flask-Login finds the signed-in account from the session or remember-me cookie."""

from webapp.auth.sessions import live_account
from webapp.extensions import login_manager
from webapp.models import Account

login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to continue."
login_manager.login_message_category = "info"
# A changed IP or browser signature forces a fresh sign-in for sensitive steps.
login_manager.session_protection = "basic"


@login_manager.user_loader
def load_account(user_id: str) -> Account | None:
    """The account of the sign-in session named by the cookie, while that session is live.

    Both cookies carry only the session id, so revoking the session's row (sign
    out, sign out of all devices, password change) ends every copy of them.
    """
    return live_account(user_id or "")
