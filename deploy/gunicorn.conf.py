"""gunicorn settings for the portal behind nginx (deploy/nginx/kontoportal.conf).

Read by `gunicorn --config deploy/gunicorn.conf.py`, from the systemd unit, the container image
and deploy/run-production.sh. Everything a machine changes comes from the environment."""

import multiprocessing
import os


def _env(name: str, default: str) -> str:
    return os.environ.get(f"KONTO_{name}", default)


# The Django app, with the client address nginx saw as REMOTE_ADDR (config/wsgi_proxy.py).
wsgi_app = "config.wsgi_proxy:application"
# nginx connects here; keep it off the public interfaces (a unix socket works too: unix:/run/…).
bind = [_env("WEB_BIND", "127.0.0.1:8001")]

# Sync workers: every request is short (PDFs and exports are rendered by Celery). Two per core
# plus one is gunicorn's rule of thumb; KONTO_WEB_WORKERS overrides it.
workers = int(_env("WEB_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(_env("WEB_THREADS", "1"))
# A request that takes longer than this is killed and logged: 30 s is far above any page's time.
timeout = int(_env("WEB_TIMEOUT", "30"))
# On SIGTERM or a reload, running requests get this long to finish.
graceful_timeout = int(_env("WEB_GRACEFUL_TIMEOUT", "30"))
# nginx keeps upstream connections open between requests.
keepalive = int(_env("WEB_KEEPALIVE", "5"))
# Recycle a worker now and then: WeasyPrint and the ORM grow a little per request; the jitter
# keeps the workers from restarting together.
max_requests = int(_env("WEB_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10

# Only nginx may say which scheme the client used (X-Forwarded-Proto): its address, not "*",
# unless gunicorn is reachable from nginx alone (containers on a private network).
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log on stdout (journald or the container log): client as nginx saw it, request, status,
# size, duration in microseconds.
accesslog = _env("WEB_ACCESS_LOG", "-")
access_log_format = '%({x-real-ip}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)sus'
errorlog = "-"
loglevel = _env("LOG_LEVEL", "info").lower()
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Reloads are signals (systemctl reload → HUP); no control socket in the home directory that two
# instances on one machine would fight over.
control_socket_disable = True
proc_name = "kontoportal-web"
