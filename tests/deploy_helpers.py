"""Helpers for the deployment tests: free ports, a self-signed certificate, nginx's configuration
rendered from deploy/ the way deploy/run-production.sh renders it."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shared_dir(path: Path) -> Path:
    """A directory nginx's worker processes (another user when started as root) can enter; its
    parents must be enterable too (see `open_tmp`)."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o755)
    return path


def open_tmp() -> Path:
    """A fresh directory under the system's temporary directory that nginx's workers can enter
    (pytest's own tmp_path is private to its user)."""
    return shared_dir(Path(tempfile.mkdtemp(prefix="kontoportal-deploy-")))


def self_signed(directory: Path, name: str = "localhost") -> tuple[Path, Path]:
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name},DNS:*.{name}", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    return certificate, key


def render(template: Path, values: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("KP_")}
    return subprocess.run(
        [sys.executable, str(DEPLOY / "render.py"), str(template)],
        env={**environment, **values}, capture_output=True, text=True,
    )  # fmt: skip


def nginx_values(run_dir: Path, **overrides: str) -> dict[str, str]:
    certificate, key = self_signed(shared_dir(run_dir / "tls"))
    static = shared_dir(run_dir / "static")
    values = {
        "KP_RUN_DIR": str(run_dir),
        "KP_SERVER_NAME": "localhost",
        "KP_HTTP_PORT": str(free_port()),
        "KP_HTTPS_PORT": str(free_port()),
        "KP_TLS_CERTIFICATE": str(certificate),
        "KP_TLS_CERTIFICATE_KEY": str(key),
        "KP_STATIC_ROOT": str(static),
        "KP_UPSTREAM": f"127.0.0.1:{free_port()}",
        "KP_CACHE_DIR": str(shared_dir(run_dir / "cache")),
    }
    values.update(overrides)
    return values


def nginx_config(run_dir: Path, values: dict[str, str]) -> Path:
    """Write nginx.conf + kontoportal.conf into run_dir; return the main file."""
    for name in ("nginx.conf", "kontoportal.conf"):
        result = render(DEPLOY / "nginx" / name, values)
        assert result.returncode == 0, result.stderr
        (run_dir / name).write_text(result.stdout)
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        shared_dir(run_dir / "tmp" / temp)
    return run_dir / "nginx.conf"


def nginx_test(run_dir: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NGINX, "-t", "-p", str(run_dir), "-e", str(run_dir / "error.log"), "-c", str(config)],
        capture_output=True, text=True,
    )  # fmt: skip
