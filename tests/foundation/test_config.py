import pytest

from tracker.config import ConfigurationError, load_config


def test_production_refuses_to_start_without_secret_key_and_database_url(tmp_path):
    with pytest.raises(ConfigurationError) as error:
        load_config({"TRACKER_ENV": "production"}, instance_path=tmp_path)
    assert "SECRET_KEY and DATABASE_URL" in str(error.value)


def test_production_names_the_one_missing_variable(tmp_path):
    with pytest.raises(ConfigurationError) as error:
        load_config({"TRACKER_ENV": "production", "SECRET_KEY": "x" * 40}, instance_path=tmp_path)
    assert "DATABASE_URL" in str(error.value)
    assert "SECRET_KEY" not in str(error.value)


def test_production_refuses_a_short_secret(tmp_path):
    with pytest.raises(ConfigurationError, match="at least 32"):
        load_config(
            {"TRACKER_ENV": "production", "SECRET_KEY": "short", "DATABASE_URL": "postgresql://db/x"},
            instance_path=tmp_path,
        )


def test_production_uses_psycopg3_and_secure_cookies(tmp_path):
    config = load_config(
        {"TRACKER_ENV": "production", "SECRET_KEY": "s" * 40, "DATABASE_URL": "postgres://u@db/tracker"},
        instance_path=tmp_path,
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/tracker"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_secret_is_made_once_and_kept(tmp_path):
    first = load_config({}, instance_path=tmp_path)["SECRET_KEY"]
    second = load_config({}, instance_path=tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").exists()


def test_development_defaults_to_sqlite_under_instance(tmp_path):
    config = load_config({}, instance_path=tmp_path)
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'tracker.db'}"


def test_unknown_mode_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ConfigurationError, match="development, testing or production"):
        load_config({"TRACKER_ENV": "prod"}, instance_path=tmp_path)


def test_bad_hourly_rate_says_what_to_give(tmp_path):
    with pytest.raises(ConfigurationError, match="COST_PER_HOUR_GP"):
        load_config({"COST_PER_HOUR_GP": "lots"}, instance_path=tmp_path)


def test_create_app_refuses_production_without_settings(monkeypatch, tmp_path):
    from tracker import create_app

    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigurationError, match="SECRET_KEY and DATABASE_URL"):
        create_app()
