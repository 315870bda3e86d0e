"""The floor: a bare Channels broadcast server speaking the part of xlate's protocol that
bench/loadclient.py uses, with no database, no auth and no pipeline (bench/floor/asgi.py).
bench/load.py starts it as the targets floor-pubsub and floor-memory:

    .venv/bin/python bench/load.py --targets floor-pubsub,floor-memory --quick
"""
