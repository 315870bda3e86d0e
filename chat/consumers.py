"""The chat socket: one per client, multiplexing all of the user's conversations.

Three parts, as in Channels' own examples: socket handlers, frame commands, and channel-layer
handlers. Every database touch goes through a service or selector.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from chat import broadcast, dispatch, latest, presence, selectors
from chat.broadcast import conversation_group, user_group
from chat.errors import ClientError
from chat.frame_log import FrameLog
from chat.models import Message
from chat.payloads import for_reader, message_payload, retracted_payload
from chat.protocol import decode_frame, error_echo, known_type, parse_frame
from chat.services.conversations import check_translation_set
from chat.services.edits import check_message_delete, check_message_edit
from chat.services.receipts import receipt_mark, receipts_of
from chat.services.sessions import SocketCredential, socket_recheck
from chat.services.submission import check_message_submit
from chat.tokens import SUBPROTOCOL
from moderation.services import check_message_appeal, check_report_submit
from xlate_site import metrics

logger = logging.getLogger(__name__)

TYPING_INTERVAL = 2.0  # seconds between typing frames relayed for one conversation


@dataclass(slots=True)
class Subscription:
    translate: bool
    language: str
    last_seq: int
    last_typing: float = 0.0

    @property
    def reading(self) -> str | None:
        return self.language if self.translate else None


def _numbered(conversation_id: int, after: int, before: int | None = None) -> list[dict]:
    """Payloads of numbered messages after `after` (and before `before`), oldest first; a
    rejected one is an empty stub, so readers see every number."""
    messages = selectors.messages_numbered(
        conversation_id=conversation_id,
        after=after,
        before=before,
        limit=settings.CHAT_REPLAY_LIMIT,
    )
    return [
        message_payload(m) if m.status == Message.Status.DELIVERED else retracted_payload(m)
        for m in messages
    ]


@database_sync_to_async
def _subscribe(user, conversation_id: int, since: int | None):
    participant = selectors.participant_get(user=user, conversation_id=conversation_id)
    if participant is None:
        raise ClientError("not_a_member", "no such conversation, or you are not in it")
    last_seq = participant.conversation.last_seq
    latest.record(conversation_id, last_seq)  # so heartbeats find it without a query
    # A `since` beyond the conversation's end would silence the socket: read it as the end.
    since = min(since, last_seq) if since is not None else None
    replay = _numbered(conversation_id, since) if since is not None else []
    receipts = receipts_of(conversation_id=conversation_id, exclude_user_id=user.pk)
    return participant.translate, participant.reading_language, last_seq, since, replay, receipts


@database_sync_to_async
def _conversation_ids(user) -> list[int]:
    return list(selectors.conversation_ids_of(user_id=user.pk))


_last_seen_store = database_sync_to_async(presence.last_seen_store)


_gap = database_sync_to_async(_numbered)


@database_sync_to_async
def _recheck(credential: SocketCredential, conversation_ids: list[int]) -> tuple[bool, list[int]]:
    return socket_recheck(credential=credential, conversation_ids=conversation_ids)


class ChatConsumer(AsyncJsonWebsocketConsumer):
    # --- socket handlers -------------------------------------------------------------------

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=4401)
            return
        self.subscriptions: dict[int, Subscription] = {}
        self.frame_log = FrameLog(f"user {self.user.pk} socket {self.channel_name}")
        # What opened the socket, checked again whenever the user's rights may have changed.
        self.credential = SocketCredential(
            user_id=self.user.pk,
            session_key=getattr(self.scope.get("session"), "session_key", None),
            token=self.scope.get("socket_token"),
        )
        self.checked_at = time.monotonic()
        # The presence each other member was last said to have here, so a user in several
        # shared conversations is announced once.
        self.presence_sent: dict[int, bool] = {}
        loop = asyncio.get_running_loop()
        broadcast.use_server_loop(loop)
        dispatch.serve_in_process(loop)
        await self.channel_layer.group_add(user_group(self.user.pk), self.channel_name)
        # A client that offered subprotocols (a token client) must get one chosen back.
        offered = self.scope.get("subprotocols", [])
        await self.accept(subprotocol=SUBPROTOCOL if SUBPROTOCOL in offered else None)
        metrics.OPEN_SOCKETS.inc()
        self.counted = True
        if await presence.connect(self.user.pk, self.channel_name):
            await self._announce(online=True)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            metrics.OPEN_SOCKETS.dec()
            self.counted = False
        if not hasattr(self, "subscriptions"):
            return
        try:
            if await presence.disconnect(self.user.pk, self.channel_name):
                await self._announce(online=False, last_seen=await _last_seen_store(self.user.pk))
        except Exception:
            # Presence is best effort: an unreachable Redis lets the lease run out instead.
            logger.warning("presence of user %s not updated", self.user.pk, exc_info=True)
        groups = [user_group(self.user.pk)]
        groups += [conversation_group(cid) for cid in self.subscriptions]
        for group in groups:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                # A mass disconnect can exhaust the Redis pool; the layer expires members.
                logger.warning("group_discard %s failed", group, exc_info=True)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, without its hop to the sync thread to close stale database
        connections before every event (a tenth of this process's CPU under load): every
        database touch here goes through database_sync_to_async, which does that itself."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        try:
            content = decode_frame(text_data, max_bytes=settings.CHAT_MAX_FRAME_BYTES)
        except ClientError as error:
            self.frame_log.refused("unknown", error.code)
            return await self.send_error(error.code, error.detail, **error.context)
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs) -> None:
        """Every frame gets an answer or an error, and at most one line of log (frame_log)."""
        frame_type = known_type(content) or "unknown"
        metrics.FRAMES_IN.labels(frame_type).inc()
        try:
            frame_type, fields = parse_frame(content)
            handler = getattr(self, "do_" + frame_type.replace(".", "_"))
            await handler(**fields)
        except ClientError as error:
            self.frame_log.refused(frame_type, error.code)
            echo = error_echo(content)
            await self.send_error(error.code, error.detail, **echo, **error.context)
        except Exception as error:
            self.frame_log.failed(frame_type, error)
            # Echoed like any error (a message.send's client_id), so the client knows which
            # frame to send again.
            await self.send_error(
                "internal_error", "the server could not handle this frame", **error_echo(content)
            )

    async def send_error(self, code: str, detail: str, **context: Any) -> None:
        metrics.ERRORS.labels(code).inc()
        await self.send_json({"type": "error", "code": code, "detail": detail, **context})

    async def send_json(self, content: dict[str, Any], close: bool = False) -> None:
        metrics.FRAMES_OUT.labels(content.get("type", "unknown")).inc()
        await super().send_json(content, close=close)

    # --- frame commands ----------------------------------------------------------------------

    async def do_subscribe(self, conversation: int, since: int | None = None) -> None:
        # Join the group first: live messages queue up behind this handler, and anything the
        # replay already covered is skipped by sequence number in chat_message.
        await self.channel_layer.group_add(conversation_group(conversation), self.channel_name)
        try:
            translate, language, last_seq, since, replay, receipts = await _subscribe(
                self.user, conversation, since
            )
        except ClientError:
            if conversation not in self.subscriptions:
                await self.channel_layer.group_discard(
                    conversation_group(conversation), self.channel_name
                )
            raise
        subscription = Subscription(translate, language, since if since is not None else last_seq)
        self.subscriptions[conversation] = subscription
        for payload in replay:
            await self._send_message("message.new", payload, subscription)
        await self.send_json(
            {
                "type": "subscribed",
                "conversation": conversation,
                "last_seq": max(last_seq, subscription.last_seq),
                "translate": translate,
                "language": language,
                # The replay stopped at the limit: subscribe again with the new `since`.
                "more": len(replay) >= settings.CHAT_REPLAY_LIMIT,
                "receipts": receipts,
            }
        )

    async def do_unsubscribe(self, conversation: int) -> None:
        if self.subscriptions.pop(conversation, None) is not None:
            await self.channel_layer.group_discard(
                conversation_group(conversation), self.channel_name
            )
        await self.send_json({"type": "unsubscribed", "conversation": conversation})

    async def do_message_send(self, conversation: int, client_id: str, text: str) -> None:
        message, created = await database_sync_to_async(check_message_submit)(
            user=self.user, conversation_id=conversation, client_id=client_id, text=text
        )
        await self.send_json(
            {
                "type": "message.accepted",
                "conversation": message.conversation_id,
                "id": message.pk,
                "client_id": message.client_id,
                "status": message.status,
                "seq": message.seq,
                "reason": message.reason,
                "duplicate": not created,
            }
        )

    async def do_typing(self, conversation: int) -> None:
        subscription = self.subscriptions.get(conversation)
        if subscription is None:
            raise ClientError("not_subscribed", "subscribe to the conversation first")
        now = time.monotonic()
        if now - subscription.last_typing < TYPING_INTERVAL:
            return
        subscription.last_typing = now
        await self.channel_layer.group_send(
            conversation_group(conversation),
            {
                "type": "chat.typing",
                "conversation": conversation,
                "user": {"id": self.user.pk, "username": self.user.get_username()},
            },
        )

    async def do_translation_set(
        self, conversation: int, enabled: bool, language: str | None = None
    ) -> None:
        await database_sync_to_async(check_translation_set)(
            user=self.user, conversation_id=conversation, enabled=enabled, language=language
        )

    async def do_report(
        self,
        conversation: int,
        reason: str,
        message: int | None = None,
        user: int | None = None,
        comment: str = "",
    ) -> None:
        report = await database_sync_to_async(check_report_submit)(
            reporter=self.user,
            conversation_id=conversation,
            reason=reason,
            comment=comment,
            message_id=message,
            reported_user_id=user,
        )
        await self.send_json({"type": "report.accepted", "id": report.pk})

    async def do_message_appeal(self, id: int, comment: str = "") -> None:
        await database_sync_to_async(check_message_appeal)(
            user=self.user, message_id=id, comment=comment
        )
        await self.send_json({"type": "appeal.accepted", "id": id})

    async def do_message_edit(self, id: int, text: str) -> None:
        edit = await database_sync_to_async(check_message_edit)(
            user=self.user, message_id=id, text=text
        )
        await self.send_json({"type": "message.edit.accepted", "id": id, "edit": edit.pk})

    async def do_message_delete(self, id: int) -> None:
        await database_sync_to_async(check_message_delete)(user=self.user, message_id=id)
        await self.send_json({"type": "message.deleted", "id": id})

    async def do_received(self, conversation: int, seq: int) -> None:
        await database_sync_to_async(receipt_mark)(
            user=self.user, conversation_id=conversation, seq=seq, read=False
        )

    async def do_read(self, conversation: int, seq: int) -> None:
        await database_sync_to_async(receipt_mark)(
            user=self.user, conversation_id=conversation, seq=seq, read=True
        )

    async def do_ping(self, id: str | int | None = None) -> None:
        """The heartbeat: fill whatever this socket missed (a broadcast lost in a Redis
        restart, in a quiet conversation), then say where every conversation stands."""
        # A change whose broadcast was lost (Redis away) still ends what it should.
        due = time.monotonic() - self.checked_at >= settings.SOCKET_AUTH_RECHECK_SECONDS
        if due and not await self._recheck():
            return
        try:
            if await presence.renew(self.user.pk, self.channel_name):
                await self._announce(online=True)  # its lease had run out (a long stall)
        except Exception:
            # Presence is best effort (a Redis connection a restart closed): the heartbeat's
            # real work, filling what this socket missed, goes on.
            logger.warning("presence of user %s not renewed", self.user.pk, exc_info=True)
        numbers = await latest.latest(self.subscriptions) if self.subscriptions else {}
        for conversation, last_seq in numbers.items():
            subscription = self.subscriptions.get(conversation)
            if subscription is not None and last_seq > subscription.last_seq:
                await self._fill(conversation, subscription, before=last_seq + 1)
        await self.send_json(
            {
                "type": "pong",
                "id": id,
                "conversations": {str(cid): seq for cid, seq in sorted(numbers.items())},
            }
        )

    # --- channel-layer handlers ------------------------------------------------------------

    async def chat_message(self, event: dict[str, Any]) -> None:
        """Newly delivered messages of one conversation, in order. Each goes out in sequence:
        one already sent is dropped, and a gap before one is filled from the database first."""
        conversation = event["conversation"]
        for payload in event["messages"]:
            subscription = self.subscriptions.get(conversation)
            if subscription is None or payload["seq"] <= subscription.last_seq:
                continue
            if payload["seq"] > subscription.last_seq + 1:
                await self._fill(conversation, subscription, before=payload["seq"])
            await self._send_message("message.new", payload, subscription)

    async def _fill(self, conversation: int, subscription: Subscription, *, before: int) -> None:
        """Send the numbered messages between what this socket has sent and `before`."""
        while subscription.last_seq + 1 < before:
            missing = await _gap(conversation, subscription.last_seq, before)
            if not missing:
                return
            for payload in missing:
                await self._send_message("message.new", payload, subscription)

    async def chat_update(self, event: dict[str, Any]) -> None:
        """A delivered message changed (a late translation, a backfill): resend this view."""
        payload = event["message"]
        subscription = self.subscriptions.get(payload["conversation"])
        if subscription is None:
            return
        if subscription.reading is None or subscription.reading not in payload["translations"]:
            return
        await self._send_message("message.update", payload, subscription)

    async def chat_retract(self, event: dict[str, Any]) -> None:
        """A moderator rejected a delivered message: every reader removes it."""
        payload = event["message"]
        if payload["conversation"] in self.subscriptions:
            view = {key: value for key, value in payload.items() if key != "translations"}
            await self.send_json({"type": "message.update", "message": view})

    async def chat_changed(self, event: dict[str, Any]) -> None:
        """A delivered message was edited or deleted: every reader who has it replaces it (one
        who has not got it yet reads its current state when it gets there)."""
        payload = event["message"]
        subscription = self.subscriptions.get(payload["conversation"])
        if subscription is None or payload["seq"] > subscription.last_seq:
            return
        view = for_reader(payload, language=subscription.reading)
        await self.send_json({"type": "message.update", "message": view})

    async def chat_receipt(self, event: dict[str, Any]) -> None:
        if event["conversation"] in self.subscriptions:
            frame = {key: value for key, value in event.items() if key != "type"}
            await self.send_json({"type": "receipt", **frame})

    async def chat_presence(self, event: dict[str, Any]) -> None:
        user = event["user"]
        if user == self.user.pk or self.presence_sent.get(user) == event["online"]:
            return
        self.presence_sent[user] = event["online"]
        await self.send_json(
            {
                "type": "presence",
                "user": user,
                "online": event["online"],
                "last_seen": event["last_seen"],
            }
        )

    async def _announce(self, *, online: bool, last_seen=None) -> None:
        """Tell the user's conversations that they came online or went offline."""
        event = {
            "type": "chat.presence",
            "user": self.user.pk,
            "online": online,
            "last_seen": last_seen.isoformat() if last_seen else None,
        }
        for conversation in await _conversation_ids(self.user):
            await self.channel_layer.group_send(conversation_group(conversation), event)

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["user"]["id"] != self.user.pk and event["conversation"] in self.subscriptions:
            await self.send_json(
                {"type": "typing", "conversation": event["conversation"], "user": event["user"]}
            )

    async def chat_notice(self, event: dict[str, Any]) -> None:
        await self.send_json(event["frame"])

    async def chat_recheck(self, event: dict[str, Any]) -> None:
        """The user logged out, changed their password, was deactivated or banned, or had
        their tokens revoked: the socket stays open only if what opened it still holds."""
        await self._recheck()

    async def chat_removed(self, event: dict[str, Any]) -> None:
        """The user left (or was removed from) a conversation."""
        await self._drop(event["conversation"])

    async def _recheck(self) -> bool:
        """Check the socket's credential and memberships again; False if it was closed."""
        self.checked_at = time.monotonic()
        valid, left = await _recheck(self.credential, list(self.subscriptions))
        if not valid:
            await self.close(code=4401)
            return False
        for conversation in left:
            await self._drop(conversation)
        return True

    async def _drop(self, conversation: int) -> None:
        """Stop streaming a conversation the user is no longer in, and say so."""
        if self.subscriptions.pop(conversation, None) is not None:
            await self.channel_layer.group_discard(
                conversation_group(conversation), self.channel_name
            )
        await self.send_json({"type": "conversation.removed", "conversation": conversation})

    async def chat_settings(self, event: dict[str, Any]) -> None:
        subscription = self.subscriptions.get(event["conversation"])
        if subscription is not None:
            subscription.translate = event["translate"]
            subscription.language = event["language"]
        await self.send_json(
            {
                "type": "translation.settings",
                "conversation": event["conversation"],
                "translate": event["translate"],
                "language": event["language"],
            }
        )

    async def _send_message(
        self, frame_type: str, payload: dict[str, Any], subscription: Subscription
    ) -> None:
        subscription.last_seq = max(subscription.last_seq, payload["seq"])
        view = for_reader(payload, language=subscription.reading)
        await self.send_json({"type": frame_type, "message": view})
