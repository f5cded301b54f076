"""Flask extensions, created once and bound to the app in the factory."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
# Sign-in and sign-up limits per client address, applied with `@limiter.limit` on
# those views. Counts live in RATELIMIT_STORAGE_URI: by default "database://", the
# site's own database (webapp.ratelimit_storage), so every gunicorn worker of a host
# counts the same hits; "redis://..." shares them across hosts; "memory://" counts
# per worker, so N workers allow N times the limit. One limiter serves the one app a
# process runs; settings it reads once (key prefix, strategy, headers) come from the
# first app bound to it.
limiter = Limiter(get_remote_address)
