import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Refuse to serve with the public built-in SECRET_KEY outside DEBUG (gunicorn does not run checks).
from config.checks import secret_key_refuse  # noqa: E402

secret_key_refuse()

# A stored public page is answered before Django's request handling (config/page_cache.py).
from config.page_cache import answering_stored_pages  # noqa: E402

application = answering_stored_pages(application)
