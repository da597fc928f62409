"""Production settings pass Django's deployment checklist; development defaults refuse to
start in production mode without a secret."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_TESTING": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
    "ALLOWED_HOSTS": "observe.example.org",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    # A fixed test key (surveys/sealing.py): production generates its own.
    "SURVEY_SEALING_KEY": "c2VhbGluZy1rZXktZm9yLXRoZS1kZXBsb3ktdGVzdHM=",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    return subprocess.run(  # noqa: S603
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_without_redis_the_deploy_check_warns():
    env = {**PRODUCTION, "REDIS_URL": ""}

    result = manage("check", "--deploy", **env)

    assert "backend.W001" in result.stdout + result.stderr


def test_a_server_process_freezes_the_application_it_loaded():
    # the schema and every view are loaded, then frozen out of the cyclic collector's walks
    script = (
        "import gc, sys; import backend.asgi; "
        "print(gc.get_freeze_count(), 'networks.views' in sys.modules)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env={**clean, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "backend.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 100_000, result.stderr
    assert views_loaded == "True"
