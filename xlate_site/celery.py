"""The Celery app: the delivery pipeline's workers in the scale-out mode."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xlate_site.settings")

app = Celery("xlate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "requeue-stale-pending": {"task": "chat.requeue_pending", "schedule": 60.0},
}
