"""A failed run posts a short message to the alert webhook (when one is set) and logs it (always).

The message names the job, the partition, the failed step(s) with their error, and links to the run in the UI.
It is Slack-compatible JSON: `text` for any webhook, and `blocks` with the same facts as fields.
"""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg

from lct_pipelines.resources.alerts import AlertWebhookResource

SENSOR_NAME = "run_failure_alerts"
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class FailureAlert:
    job: str
    partition: str | None
    failed_steps: list[str]  # "step: first line of its error"
    run_id: str
    run_url: str

    @property
    def text(self) -> str:
        where = f" (partition {self.partition})" if self.partition else ""
        steps = "; ".join(self.failed_steps) or "no step failed (the run itself did)"
        return f"Dagster run failed: {self.job}{where}. Failed: {steps}. <{self.run_url}|Run {self.run_id[:8]}>"

    def payload(self) -> dict:
        fields = [
            ("Job", self.job),
            ("Partition", self.partition or "none"),
            ("Failed step", "\n".join(self.failed_steps) or "none"),
            ("Run", f"<{self.run_url}|{self.run_id}>"),
        ]
        return {
            "text": self.text,
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*Dagster run failed: {self.job}*"}},
                {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{v}"} for k, v in fields]},
            ],
        }


def _error_line(event: dg.DagsterEvent) -> str:
    """The first line of the step's own error (Dagster wraps it: the innermost cause is the user's)."""
    error = event.step_failure_data.error if event.step_failure_data else None
    while error is not None and error.cause is not None:
        error = error.cause
    lines = error.message.strip().splitlines() if error and error.message else []
    return lines[0][:MAX_ERROR_CHARS] if lines else ""


def _failed_steps(context: dg.RunFailureSensorContext) -> list[str]:
    steps = []
    for event in context.get_step_failure_events():
        line = _error_line(event)
        steps.append(f"{event.step_key}: {line}" if line else str(event.step_key))
    return steps


def build_alert(context: dg.RunFailureSensorContext, alerts: AlertWebhookResource) -> FailureAlert:
    run = context.dagster_run
    return FailureAlert(
        job=run.job_name,
        partition=run.tags.get("dagster/partition"),
        failed_steps=_failed_steps(context),
        run_id=run.run_id,
        run_url=alerts.run_url(run.run_id),
    )


@dg.run_failure_sensor(
    name=SENSOR_NAME,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Every failed run of this code location: logs a short message (job, partition, failed step, link "
    "to the run) and posts it to LCT_ALERT_WEBHOOK_URL (Slack-compatible JSON) when that is set.",
)
def run_failure_alerts(context: dg.RunFailureSensorContext, alerts: AlertWebhookResource) -> None:
    alert = build_alert(context, alerts)
    context.log.warning(alert.text)
    try:
        posted = alerts.post(alert.payload())
    except OSError as err:  # the webhook is down: the run's failure is logged; a retry would post it twice
        context.log.error(f"alert webhook unreachable, message not posted: {err}")
        return
    if posted:
        context.log.info("alert posted to the webhook")
