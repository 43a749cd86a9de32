"""Telegram channel: translate PTB updates to core `Incoming`, send the core's replies back."""

from __future__ import annotations

import logging
import re
import secrets
import traceback
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels.telegram.render import load_telegram_texts, send_replies
from bot.channels.telegram.updates import PerChatUpdateProcessor
from bot.core.estimate.rule_sets import UPLOAD_SUFFIXES
from bot.core.ports import Assistant
from bot.core.texts import Texts
from bot.core.types import Incoming, Reply

AnyApplication = Application[Any, Any, Any, Any, Any, Any]  # PTB's six parameters; we use defaults

__all__ = [
    "ALLOWED_UPDATES",
    "DEFAULT_MAX_FILE_BYTES",
    "AnyApplication",
    "TelegramHandlers",
    "TelegramRunner",
    "WebhookConfig",
    "build_application",
    "resolve_webhook_secret",
]

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class TelegramHandlers:
    """PTB handlers that only translate: Update → Incoming → assistant → send replies."""

    def __init__(
        self,
        assistant: Assistant,
        *,
        texts: Texts | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> None:
        self._assistant = assistant
        self._texts = texts or load_telegram_texts()
        self._max_file_bytes = max_file_bytes

    def register(self, application: AnyApplication) -> None:
        """Attach the handlers and the one error handler to an application."""
        message = filters.UpdateType.MESSAGE
        application.add_handler(CallbackQueryHandler(self.on_callback))
        application.add_handler(MessageHandler(message & filters.TEXT, self.on_text))
        application.add_handler(MessageHandler(message & filters.Document.ALL, self.on_document))
        application.add_handler(
            MessageHandler(message & ~filters.StatusUpdate.ALL, self.on_unsupported)
        )
        application.add_error_handler(self.on_error)

    async def publish_commands(self, application: AnyApplication) -> None:
        """Show the command menu in Telegram clients (cosmetic: failure is only logged)."""
        menu = self._texts.mapping("commands")
        if not menu:
            return
        commands = [BotCommand(name, description) for name, description in menu.items()]
        try:
            await application.bot.set_my_commands(commands)
        except TelegramError as error:
            logger.warning("could not publish the command menu: %s", type(error).__name__)

    # --- translation ---------------------------------------------------------------------

    @staticmethod
    def _incoming(update: Update, **fields: object) -> Incoming:
        user = update.effective_user
        chat = update.effective_chat
        sender = user.id if user is not None else chat.id if chat is not None else 0
        name = user.full_name if user is not None else None
        return Incoming(channel=CHANNEL, user_id=str(sender), display_name=name, **fields)  # type: ignore[arg-type]

    @staticmethod
    def _command_text(text: str, bot_username: str | None) -> str:
        """Turn "/score@InnoBot 3000" into "/score 3000", so the core sees one spelling per command."""
        if not text.startswith("/") or not bot_username:
            return text
        head, sep, tail = text.partition(" ")
        command, at, target = head.partition("@")
        if at and target.lower() == bot_username.lower():
            return command + sep + tail
        return text

    async def _answer(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming
    ) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        try:
            await context.bot.send_chat_action(chat.id, "typing")
        except TelegramError as error:  # cosmetic only; the answer matters
            logger.debug("typing indicator failed: %s", type(error).__name__)
        replies = await self._assistant.handle(incoming, defer_images=True)
        if not replies and incoming.kind == "unsupported":
            replies = [Reply(text=self._texts.get("unsupported"))]
        await send_replies(context.bot, chat.id, replies, self._texts)

    # --- handlers ------------------------------------------------------------------------

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Text and commands go to the core as they are."""
        message = update.effective_message
        if message is None or message.text is None:
            return
        text = self._command_text(message.text, context.bot.username)
        await self._answer(update, context, self._incoming(update, text=text))

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A keyboard click: stop the spinner, retire the keyboard, hand the data to the core."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        if query.message is not None and query.message.is_accessible:
            try:
                await query.edit_message_reply_markup(reply_markup=None)
            except TelegramError as error:  # message too old or already edited: harmless
                logger.debug("could not retire keyboard: %s", type(error).__name__)
        incoming = self._incoming(update, kind="callback", callback_data=query.data or "")
        await self._answer(update, context, incoming)

    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """CSV/XLSX uploads reach the core as bytes (batch scoring); other files are unsupported."""
        message = update.effective_message
        if message is None or message.document is None:
            return
        document = message.document
        name = document.file_name or ""
        caption = message.caption or ""
        if PurePosixPath(name).suffix.lower() not in UPLOAD_SUFFIXES:
            incoming = self._incoming(update, kind="unsupported", text=caption, file_name=name)
            await self._answer(update, context, incoming)
            return
        if (document.file_size or 0) > self._max_file_bytes:
            await self._too_large(update, context)
            return
        telegram_file = await document.get_file()
        data = bytes(await telegram_file.download_as_bytearray())
        if len(data) > self._max_file_bytes:
            await self._too_large(update, context)
            return
        incoming = self._incoming(
            update, kind="file", text=caption, file_name=name, file_bytes=data
        )
        await self._answer(update, context, incoming)

    async def _too_large(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            limit_mb = max(1, self._max_file_bytes // (1024 * 1024))
            text = self._texts.get("file_too_large", limit_mb=limit_mb)
            await context.bot.send_message(chat.id, text)

    async def on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stickers, voice, photos…: the core may answer; otherwise a polite "please send text"."""
        message = update.effective_message
        caption = message.caption if message is not None and message.caption else ""
        await self._answer(update, context, self._incoming(update, kind="unsupported", text=caption))

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (type and frames, never the message text or figures), tell the user."""
        error = context.error
        kind = type(error).__name__ if error is not None else "unknown"
        frames = "".join(traceback.format_tb(error.__traceback__)) if error is not None else ""
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error("telegram update %s failed with %s\n%s", update_id, kind, frames.rstrip())
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        try:
            await context.bot.send_message(update.effective_chat.id, self._texts.get("error"))
        except TelegramError as send_error:
            logger.warning("could not tell the user about the failure: %s", type(send_error).__name__)


def build_application(
    *,
    token: str,
    assistant: Assistant,
    api_url: str | None = None,
    texts: Texts | None = None,
    rate_limit: bool = True,
    max_running: int = 32,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> AnyApplication:
    """A PTB application wired to the assistant (api_url points it at another Bot API server)."""
    handlers = TelegramHandlers(assistant, texts=texts, max_file_bytes=max_file_bytes)
    builder = ApplicationBuilder().token(token).job_queue(None).post_init(handlers.publish_commands)
    builder.concurrent_updates(PerChatUpdateProcessor(max_running=max_running))
    if api_url:
        base = api_url.rstrip("/")
        builder.base_url(f"{base}/bot").base_file_url(f"{base}/file/bot")
    # Replies are paced here, once; digest fan-out is paced by its own RateLimiter instead.
    if rate_limit:  # the builder mutates itself; its generic return type is not needed here
        builder.rate_limiter(AIORateLimiter(max_retries=2))
    application = builder.build()
    handlers.register(application)
    return application


def resolve_webhook_secret(configured: str | None) -> str:
    """The configured secret token, checked against Telegram's alphabet, or a fresh random one."""
    if configured is None or configured == "":
        return secrets.token_urlsafe(32)
    if not _SECRET_RE.fullmatch(configured):
        raise ValueError("webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    return configured


@dataclass(frozen=True)
class WebhookConfig:
    """Where Telegram posts updates (public URL) and where this process listens for them."""

    url: str
    secret_token: str
    listen: str = "127.0.0.1"
    port: int = 8443

    @property
    def url_path(self) -> str:
        """The local path the webhook server answers on: the public URL's path."""
        return urlsplit(self.url).path.strip("/")


class TelegramRunner:
    """Runs an application inside an existing event loop, so channels can share one process."""

    def __init__(
        self,
        application: AnyApplication,
        *,
        webhook: WebhookConfig | None = None,
        poll_timeout: int = 10,
    ) -> None:
        self.application = application
        self._webhook = webhook
        self._poll_timeout = poll_timeout

    async def start(self) -> None:
        """Initialise, then start long polling or the webhook server, then the dispatcher."""
        app = self.application
        updater = app.updater
        if updater is None:
            raise RuntimeError("application was built without an updater")
        await app.initialize()
        if app.post_init is not None:  # what run_polling/run_webhook would call
            await app.post_init(app)
        if self._webhook is None:
            await updater.start_polling(
                timeout=self._poll_timeout, allowed_updates=ALLOWED_UPDATES
            )
        else:
            hook = self._webhook
            await updater.start_webhook(
                listen=hook.listen,
                port=hook.port,
                url_path=hook.url_path,
                webhook_url=hook.url,
                secret_token=hook.secret_token,
                allowed_updates=ALLOWED_UPDATES,
            )
        await app.start()
        logger.info("telegram channel started (%s)", "webhook" if self._webhook else "polling")

    async def stop(self) -> None:
        """Stop fetching, finish running handlers, release the HTTP clients (safe after a failed start)."""
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        logger.info("telegram channel stopped")
