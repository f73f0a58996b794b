"""`licflow user add`, the demo users `licflow serve` seeds, and the kept secret key."""

from __future__ import annotations

import stat

from click.testing import CliRunner

from engine.people.users import authenticate, roles_of
from licflow.cli import main
from licflow.settings import Settings
from licflow.staff import secret_key, seed_demo_users


def test_user_add_creates_a_user_with_roles_and_a_hashed_password(store, orchestrator):
    result = CliRunner().invoke(
        main,
        ["user", "add", "zarina", "--role", "officers", "--role", "heads", "--password-stdin"],
        input="a long enough password\n",
        env={"DATABASE_URL": store.url},
    )
    assert result.exit_code == 0, result.output
    with orchestrator.transaction() as db:
        user = authenticate(db, "zarina", "a long enough password")
        assert user is not None and roles_of(user) == {"officers", "heads"}
        assert "a long enough password" not in user.password_hash


def test_user_add_refuses_an_applicant_without_a_bin_and_a_short_password(store):
    runner = CliRunner()
    env = {"DATABASE_URL": store.url}
    applicant = runner.invoke(
        main, ["user", "add", "a", "--role", "applicants", "--password-stdin"], "longpassword\n", env=env
    )
    short = runner.invoke(
        main, ["user", "add", "b", "--role", "officers", "--password-stdin"], "short\n", env=env
    )
    assert applicant.exit_code == 1 and "BIN/IIN" in applicant.output
    assert short.exit_code == 1 and "at least 8" in short.output


def test_serve_seeds_one_user_per_staff_role_once_with_passwords_in_a_private_file(orchestrator, tmp_path):
    path = tmp_path / "demo-users.txt"
    notes = seed_demo_users(orchestrator, path)
    assert notes and str(path) in notes[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    rows = [line.split("\t") for line in path.read_text().splitlines() if not line.startswith("#")]
    assert [(name, role) for name, _, role in rows] == [
        ("officer", "officers"),
        ("head", "heads"),
        ("auditor", "auditors"),
        ("analyst", "analysts"),
    ]
    with orchestrator.transaction() as db:
        assert all(authenticate(db, name, password) for name, password, _ in rows)
    assert seed_demo_users(orchestrator, tmp_path / "again.txt") == []
    assert not (tmp_path / "again.txt").exists()


def test_the_secret_key_is_generated_once_and_kept_unless_configured(tmp_path):
    path = tmp_path / "secret-key"
    first = secret_key(Settings(), path)
    assert len(first) > 40 and secret_key(Settings(), path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secret_key(Settings(secret_key="from-the-environment"), path) == "from-the-environment"
