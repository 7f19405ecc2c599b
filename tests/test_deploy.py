"""The deployment recipe (deploy/) read and checked without starting it: nginx's configuration
passes `nginx -t`, caches only public pages and limits bodies; the compose file and the image
describe every service with its health check and environment; the systemd units run what the
production run runs; the set-up scripts refuse what they must not do. (deploy/run-production.sh
itself is started in tests/test_deploy_run.py.)"""

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from django.urls import Resolver404, resolve

from config.wsgi_proxy import client_address, trusted_networks
from tests.deploy_helpers import DEPLOY, ROOT, nginx_config, nginx_test, nginx_values, open_tmp, render

pytestmark = pytest.mark.deploy
SITE = (DEPLOY / "nginx" / "kontoportal.conf").read_text()
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
APP_SERVICES = ("web", "worker", "beat")


@pytest.fixture
def run_dir() -> Iterator[Path]:
    path = open_tmp()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_deploy_nginx_config_passes_nginx_t(run_dir):
    result = nginx_test(run_dir, nginx_config(run_dir, nginx_values(run_dir)))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_deploy_nginx_config_with_a_missing_certificate_fails_nginx_t(run_dir):
    # the check above is a real one: nginx -t reads the files the configuration names
    values = nginx_values(run_dir, KP_TLS_CERTIFICATE=str(run_dir / "missing.pem"))
    result = nginx_test(run_dir, nginx_config(run_dir, values))
    assert result.returncode != 0 and "missing.pem" in result.stderr


def test_deploy_render_refuses_a_placeholder_without_a_value(run_dir):
    values = nginx_values(run_dir)
    del values["KP_STATIC_ROOT"]
    result = render(DEPLOY / "nginx" / "kontoportal.conf", values)
    assert result.returncode == 1 and "KP_STATIC_ROOT" in result.stderr and not result.stdout


def test_deploy_nginx_limits_bodies_sets_hsts_and_keeps_metrics_local():
    assert re.search(r"^client_max_body_size 12m;", SITE, re.M)  # the app's 10 MB upload + the form
    assert '"max-age=31536000; includeSubDomains"' in SITE
    metrics = SITE[SITE.index("location ^~ /metrics") :].split("}", 1)[0]
    assert "allow 127.0.0.1;" in metrics and "allow ::1;" in metrics and "deny all;" in metrics
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in SITE
    assert "proxy_set_header X-Forwarded-Host $http_host;" in SITE


def test_deploy_nginx_caches_the_public_pages_and_never_a_token_link():
    pattern = re.search(r"location ~ (\^/\S+\$) \{\n\s+proxy_cache kontoportal_public;", SITE).group(1)
    block = SITE[SITE.index(pattern) :].split("}", 1)[0]
    assert '"$scheme://$host$request_uri|$cookie_kp_language"' in block  # host + URI + language
    assert "proxy_cache_bypass $cookie_sessionid" in block and "proxy_no_cache $cookie_sessionid" in block
    cached = ["/subprocessors/", "/subprocessors/registry.json", "/subprocessors/feed.atom",
              "/subprocessors/versions/2/", "/terms/", "/policies/data-processing/", "/data-processing/"]  # fmt: skip
    never = ["/subprocessors/unsubscribe/abc/", "/subprocessors/subscribe/", "/subprocessors/subscribe/confirm/abc/",
             "/subprocessors/owner-opt-out/abc/", "/privacy/verify/abc/", "/privacy/download/abc/pdf/",
             "/privacy/request/", "/signup/", "/admin/", "/min-konto/", "/api/v1/invoices/", "/healthz"]  # fmt: skip
    for path in cached:
        resolve(path, urlconf="config.urls_public")  # a page the public host really has
        assert re.match(pattern, path), path
    for path in never:
        assert not re.match(pattern, path), path
    with pytest.raises(Resolver404):
        resolve("/no-such-page/", urlconf="config.urls_public")


def test_deploy_compose_runs_every_service_with_a_health_check():
    services = COMPOSE["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "nginx"} <= set(services)
    for name, service in services.items():
        check = service.get("healthcheck", {})
        if service.get("restart") == "no":  # the one-shot release step
            continue
        assert check.get("test") and not check.get("disable"), name
        assert check["test"][0] in ("CMD", "CMD-SHELL"), name
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][1]
    assert services["redis"]["healthcheck"]["test"][1:] == ["redis-cli", "ping"]
    assert "/healthz" in services["web"]["healthcheck"]["test"][1]
    assert "inspect ping" in services["worker"]["healthcheck"]["test"][1]
    assert "celerybeat.pid" in services["beat"]["healthcheck"]["test"][1]
    assert "https://" in services["nginx"]["healthcheck"]["test"][1]


def test_deploy_compose_gives_each_app_service_its_environment_and_waits_for_its_servers():
    services = COMPOSE["services"]
    for name in (*APP_SERVICES, "migrate"):
        service = services[name]
        env = service["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings_production", name
        assert env["KONTO_SECRET_KEY"].startswith("${KONTO_SECRET_KEY:?"), name  # required, no default
        assert env["KONTO_DB_PASSWORD"].startswith("${KONTO_DB_PASSWORD:?"), name
        assert (env["KONTO_DB_HOST"], env["KONTO_DB_PORT"]) == ("postgres", "5432"), name
        assert env["KONTO_REDIS_URL"].startswith("redis://redis:6379/"), name
        assert env["KONTO_CACHE_URL"].startswith("redis://redis:6379/"), name
        assert env["KONTO_CACHE_URL"] != env["KONTO_REDIS_URL"], name
        assert env["KONTO_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO,https", name
        assert "documents:/var/lib/kontoportal" in service["volumes"], name
        assert env["KONTO_MEDIA_ROOT"].startswith("/var/lib/kontoportal/"), name
        depends = service["depends_on"]
        assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy", name
    for name in APP_SERVICES:
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["web"]["command"] == ["gunicorn", "--config", "deploy/gunicorn.conf.py"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${KONTO_DB_PASSWORD:?")


def test_deploy_compose_nginx_fills_every_placeholder_of_the_site_template():
    nginx = COMPOSE["services"]["nginx"]
    placeholders = set(re.findall(r"\$\{(KP_[A-Z0-9_]+)\}", SITE))
    assert placeholders and placeholders <= set(nginx["environment"])
    assert nginx["environment"]["NGINX_ENVSUBST_FILTER"] == "^KP_"  # never nginx's own $variables
    assert nginx["environment"]["KP_UPSTREAM"] == "web:8001"
    assert "./nginx/kontoportal.conf:/etc/nginx/templates/default.conf.template:ro" in nginx["volumes"]
    assert "static:/srv/static:ro" in nginx["volumes"]
    assert "KONTO_STATIC_ROOT" in COMPOSE["services"]["migrate"]["environment"]  # collectstatic fills it


def test_deploy_image_is_multi_stage_non_root_with_weasyprint_and_a_healthz_check():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM \S+ AS (\w+)", dockerfile, re.M)
    assert len(stages) >= 2 and "COPY --from=build" in dockerfile
    runtime = dockerfile.split("AS runtime", 1)[1]
    system_packages = (ROOT / "scripts" / "system-packages.sh").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in runtime and package in system_packages, package
    user = re.findall(r"^USER (\S+)", runtime, re.M)
    assert user and user[-1] not in ("root", "0")
    assert "collectstatic --noinput" in runtime and "compilemessages" in runtime
    assert re.search(r"^HEALTHCHECK .*\n?.*/healthz", runtime, re.M)
    assert "DJANGO_SETTINGS_MODULE=config.settings_production" in runtime
    assert '"gunicorn", "--config", "deploy/gunicorn.conf.py"' in runtime


def test_deploy_systemd_units_read_the_env_file_and_run_what_the_production_run_runs():
    run = (DEPLOY / "run-production.sh").read_text()
    commands = {"web": "gunicorn --config deploy/gunicorn.conf.py", "worker": "celery -A config worker",
                "beat": "celery -A config beat"}  # fmt: skip
    for name, command in commands.items():
        unit = (DEPLOY / "systemd" / f"kontoportal-{name}.service").read_text()
        assert "EnvironmentFile=/etc/kontoportal/kontoportal.env" in unit, name
        assert re.search(r"^User=kontoportal$", unit, re.M), name
        assert re.search(rf"^ExecStart=\S+/\.venv/bin/{re.escape(command)}", unit, re.M), name
        assert command.split(" ", 1)[1] in run.replace('"$BIN/', "").replace("\\\n", ""), name
    example = (DEPLOY / "kontoportal.env.example").read_text()
    assert "DJANGO_SETTINGS_MODULE=config.settings_production" in example and "KONTO_SECRET_KEY=\n" in example
    # the scripts read the same file with bash: every line must survive it
    sourced = subprocess.run(["bash", "-c", f"set -ae; . {DEPLOY / 'kontoportal.env.example'}; echo $KONTO_FROM_EMAIL"],
                             capture_output=True, text=True)  # fmt: skip
    assert sourced.returncode == 0 and not sourced.stderr
    assert sourced.stdout.strip() == "Kontoportal <no-reply@kontoportal.example>"


def test_acc2_behind_nginx_each_client_keeps_its_own_address():
    # nginx connects from 127.0.0.1 for everyone; the per-IP lockout and limits need the client
    trusted = trusted_networks("127.0.0.1,::1")
    relayed = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "203.0.113.7"}
    client_address(relayed, trusted)
    assert relayed["REMOTE_ADDR"] == "203.0.113.7"
    # a client talking to gunicorn directly cannot choose its address
    direct = {"REMOTE_ADDR": "198.51.100.9", "HTTP_X_REAL_IP": "203.0.113.7"}
    client_address(direct, trusted)
    assert direct["REMOTE_ADDR"] == "198.51.100.9"
    garbage = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_REAL_IP": "evil\x00"}
    client_address(garbage, trusted)
    assert garbage["REMOTE_ADDR"] == "127.0.0.1"


def test_deploy_services_script_never_installs_a_server_for_another_machine():
    script = str(ROOT / "scripts" / "services.sh")
    database = subprocess.run([script], env={"PATH": "/usr/bin:/bin", "KONTO_DB_HOST": "db.invalid"},
                              capture_output=True, text=True, timeout=60)  # fmt: skip
    assert database.returncode == 1
    assert "db.invalid:5432" in database.stderr and "KONTO_DB_HOST" in database.stderr
    assert "Installing" not in database.stdout


def test_deploy_python_check_names_the_version_it_needs(tmp_path):
    old = tmp_path / "python-old"
    old.write_text('#!/bin/sh\ncase "$2" in *version_info*) exit 1;; *) echo 3.9.18;; esac\n')
    old.chmod(0o755)
    result = subprocess.run([str(ROOT / "scripts" / "python-check.sh"), str(old)], capture_output=True, text=True)
    assert result.returncode == 1 and "3.11 or newer" in result.stderr and "3.9.18" in result.stderr
    current = subprocess.run([str(ROOT / "scripts" / "python-check.sh"), str(ROOT / ".venv" / "bin" / "python")])
    assert current.returncode == 0
