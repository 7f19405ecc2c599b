"""The scheduler's admin (django-celery-beat) as staff see it: the periodic tasks and their
crontab/interval schedules stay; the clocked and solar schedules are hidden from the public admin
site — no job of this project runs at a clock time or at sunrise, and staff need not read them."""

from django.contrib import admin
from django_celery_beat import admin as beat_admin  # noqa: F401 - registers beat's admins first
from django_celery_beat.models import ClockedSchedule, SolarSchedule

for model in (ClockedSchedule, SolarSchedule):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
