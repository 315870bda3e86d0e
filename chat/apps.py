from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = "Chat"

    def ready(self) -> None:
        # The job registry must be loaded in every process, not only in Celery workers: the
        # embedded mode runs the same tasks on its own threads (chat/dispatch.py).
        from chat import tasks  # noqa: F401
        from chat.context import connect_receivers
        from chat.services import sessions

        connect_receivers()
        sessions.connect_receivers()
