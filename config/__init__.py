# The portal's own system checks (the built-in SECRET_KEY outside DEBUG), registered wherever the
# settings are loaded: check, check --deploy, runserver, migrate and every management command.
from config import checks  # noqa: F401
from config.celery import app as celery_app

__all__ = ["celery_app"]
