"""Where run-failure alerts go: a Slack-compatible incoming webhook (LCT_ALERT_WEBHOOK_URL), and the UI's address
for the link to the run (LCT_UI_URL, which `lct ui` sets).

Fields left unset (None) are read from the environment when used, not when the code location loads, so an
unset webhook is simply "log only" instead of a config error.
"""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any

import dagster as dg
from pydantic import Field

DEFAULT_UI_URL = "http://127.0.0.1:3000"


class AlertWebhookResource(dg.ConfigurableResource):
    webhook_url: str | None = Field(
        default=None, description="Slack-compatible incoming webhook (default LCT_ALERT_WEBHOOK_URL; unset: none)"
    )
    ui_url: str | None = Field(
        default=None, description=f"The Dagster UI, for links to runs (default LCT_UI_URL or {DEFAULT_UI_URL})"
    )
    timeout_seconds: float = Field(default=10.0, description="How long one post may take.")

    def resolved_webhook_url(self) -> str | None:
        url = self.webhook_url if self.webhook_url is not None else os.environ.get("LCT_ALERT_WEBHOOK_URL")
        return url or None

    def run_url(self, run_id: str) -> str:
        base = self.ui_url or os.environ.get("LCT_UI_URL") or DEFAULT_UI_URL
        return f"{base.rstrip('/')}/runs/{run_id}"

    def post(self, payload: dict[str, Any]) -> bool:
        """POST the payload as JSON; False when no webhook is configured. Raises on an HTTP or network error."""
        url = self.resolved_webhook_url()
        if url is None:
            return False
        request = urllib.request.Request(
            url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
            response.read()
        return True
