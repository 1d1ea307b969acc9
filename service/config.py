"""Settings of the service only (the shared ones are docket.settings.Settings), read from DOCKET_* variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCKET_", env_file=None, extra="ignore")

    callback_allow: str = Field(
        "",
        description=(
            "Comma-separated hosts, IP addresses or networks (CIDR) that job callbacks may reach although "
            "they are private, loopback or link-local (an EDMS inside the organisation's network). Public "
            "addresses are always allowed; anything else is refused."
        ),
    )
    login_attempts: int = Field(
        5,
        description="Failed review-page logins allowed per login name and per client address in the window.",
    )
    login_window_s: float = Field(300.0, description="The window of the login-attempt limit, in seconds.")
