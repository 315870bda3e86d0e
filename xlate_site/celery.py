"""The Celery app: the delivery pipeline's workers in the scale-out mode."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xlate_site.settings")

app = Celery("xlate")
app.config_from_object("xlate_site.celery_config:CONFIG", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _preload_language_models(**_kwargs) -> None:
    """Build the language detector when a worker starts, not on its first message (~1.5 s)."""
    from django.conf import settings

    from translation.detection import preload_detector

    preload_detector(settings.SUPPORTED_LANGUAGES)
