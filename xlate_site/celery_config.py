"""Celery's configuration: Django's CELERY_* settings copied into a plain dict.

Celery looks up a dozen settings for every task it sends, each under several spellings;
against Django's settings object every miss goes through LazySettings.__getattr__ and an
exception (a sixth of a publish's CPU here). A dict answers a miss for nothing. Celery imports
this module lazily, once Django's settings are configured.
"""

from django.conf import settings

CONFIG = {name: getattr(settings, name) for name in dir(settings) if name.startswith("CELERY_")}
