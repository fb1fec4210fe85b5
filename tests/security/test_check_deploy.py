"""`manage.py check --deploy` with the production settings: no warning, no error, nothing silenced."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))},
        "DJANGO_SETTINGS_MODULE": "innohub.config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),  # 86 characters, as random as a real one
        "ALLOWED_HOSTS": "innohub.example.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        "INNOHUB_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output, output


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "SECRET_KEY"},
        "DJANGO_SETTINGS_MODULE": "innohub.config.settings.prod",
        "ALLOWED_HOSTS": "innohub.example.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_mail_server_comes_from_the_environment(tmp_path):
    """Invitations and password resets need a real mail server in production: its address and
    credentials are set by the environment, not in code."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))},
        "DJANGO_SETTINGS_MODULE": "innohub.config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "innohub.example.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'mail.sqlite3'}",
        "INNOHUB_VAR_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.vn",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "innohub",
        "EMAIL_HOST_PASSWORD": "from-the-vault",
        "EMAIL_USE_TLS": "1",
    }
    code = (
        "import django; django.setup(); from django.core.mail import get_connection; c = get_connection(); "
        "print(type(c).__name__, c.host, c.port, c.username, c.password, c.use_tls, c.use_ssl)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "EmailBackend",
        "smtp.example.vn",
        "587",
        "innohub",
        "from-the-vault",
        "True",
        "False",
    ]
