"""HTTP APIs of the chat app (django-ninja routers, mounted by xlate_site/api.py)."""
