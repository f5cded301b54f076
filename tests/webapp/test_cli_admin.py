"""`flask create-admin EMAIL`: creates an admin, promotes an existing account, refuses weak input."""

from sqlalchemy import select

from webapp.auth.accounts import authenticate, register_account
from webapp.extensions import db
from webapp.models import Account

PASSWORD = "correct horse 42"


def invoke(app, runner, *args: str, input: str | None = None):
    """Run a command as `flask --app wsgi ...` does: inside an app context."""
    with app.app_context():
        return runner.invoke(args=list(args), input=input)


def account(app, email: str) -> Account | None:
    with app.app_context():
        return db.session.scalar(select(Account).where(Account.email == email))


def test_creates_an_admin_with_the_password_option(app, runner):
    result = invoke(app, runner, "create-admin", "Boss@Example.com", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.com" in result.output
    created = account(app, "boss@example.com")
    assert created is not None and created.is_admin
    with app.app_context():
        assert authenticate("boss@example.com", PASSWORD) is not None


def test_prompts_for_the_password_twice(app, runner):
    result = invoke(
        app, runner, "create-admin", "boss@example.com", input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.com" in result.output
    assert account(app, "boss@example.com").is_admin


def test_promotes_an_existing_account_and_keeps_its_password(app, runner):
    with app.app_context():
        register_account("viewer@example.com", PASSWORD)
        db.session.commit()
    result = invoke(
        app, runner, "create-admin", "viewer@example.com", "--password", "another pass 99"
    )
    assert result.exit_code == 0, result.output
    assert "Promoted admin viewer@example.com" in result.output
    assert account(app, "viewer@example.com").is_admin
    with app.app_context():
        assert authenticate("viewer@example.com", PASSWORD) is not None


def test_weak_password_exits_2_with_the_reason(app, runner):
    result = invoke(app, runner, "create-admin", "boss@example.com", "--password", "short1")
    assert result.exit_code == 2
    assert "Error: Use at least 10 characters." in result.output
    assert account(app, "boss@example.com") is None


def test_bad_email_exits_2(app, runner):
    result = invoke(app, runner, "create-admin", "not-an-email", "--password", PASSWORD)
    assert result.exit_code == 2
    assert "Enter a valid email address." in result.output


def test_mismatched_prompt_answers_ask_again(app, runner):
    result = invoke(
        app,
        runner,
        "create-admin",
        "boss@example.com",
        input=f"{PASSWORD}\nsomething else 1\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output.lower() or "don't match" in result.output.lower()
    assert account(app, "boss@example.com").is_admin
