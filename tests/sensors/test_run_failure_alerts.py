"""The run-failure sensor against a real HTTP server on loopback: the message it posts, and its fields."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from lct_pipelines.resources.alerts import AlertWebhookResource
from lct_pipelines.sensors.run_failure_alerts import SENSOR_NAME, run_failure_alerts

YEAR = "2023-24"


class Webhook:
    """An incoming-webhook stand-in: a real HTTP server on 127.0.0.1 that records each POST's JSON body."""

    def __init__(self) -> None:
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((self.headers["Content-Type"], json.loads(body)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/lct"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    server = Webhook()
    yield server
    server.close()


@dg.op
def import_membership() -> int:
    raise ValueError("membership file is truncated at line 812\nmore detail")


@dg.job(name="lct_pipeline")
def failing_job() -> None:
    import_membership()


def _failed_run(instance: dg.DagsterInstance) -> tuple[dg.DagsterRun, dg.DagsterEvent]:
    result = failing_job.execute_in_process(instance=instance, raise_on_error=False, tags={"dagster/partition": YEAR})
    assert not result.success
    run = instance.get_run_by_id(result.run_id)
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    return run, failure


def _evaluate(instance: dg.DagsterInstance, alerts: AlertWebhookResource) -> dg.DagsterRun:
    run, failure = _failed_run(instance)
    context = dg.build_run_status_sensor_context(
        sensor_name=SENSOR_NAME,
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=run,
        resources={"alerts": alerts},
    ).for_run_failure()
    run_failure_alerts(context)
    return run


def test_a_failed_run_posts_job_partition_failed_step_and_link(webhook: Webhook) -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        run = _evaluate(instance, AlertWebhookResource(webhook_url=webhook.url, ui_url="http://127.0.0.1:3999"))
    [(content_type, message)] = webhook.received
    assert content_type == "application/json"
    link = f"http://127.0.0.1:3999/runs/{run.run_id}"
    assert message["text"] == (
        f"Dagster run failed: lct_pipeline (partition {YEAR}). Failed: import_membership: ValueError: membership "
        f"file is truncated at line 812. <{link}|Run {run.run_id[:8]}>"
    )
    fields = {f["text"].split("\n")[0].strip("*"): f["text"].split("\n", 1)[1] for f in message["blocks"][1]["fields"]}
    assert fields == {
        "Job": "lct_pipeline",
        "Partition": YEAR,
        "Failed step": "import_membership: ValueError: membership file is truncated at line 812",
        "Run": f"<{link}|{run.run_id}>",
    }


def test_without_a_webhook_nothing_is_posted_and_an_unreachable_one_does_not_fail_the_sensor(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LCT_ALERT_WEBHOOK_URL", raising=False)
    with dg.DagsterInstance.ephemeral() as instance:
        _evaluate(instance, AlertWebhookResource())
        webhook.close()  # the port is closed now: connection refused
        _evaluate(instance, AlertWebhookResource(webhook_url=webhook.url))
    assert webhook.received == []


def test_the_webhook_comes_from_the_environment_when_not_configured(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LCT_ALERT_WEBHOOK_URL", webhook.url)
    monkeypatch.setenv("LCT_UI_URL", "http://127.0.0.1:4001/")
    with dg.DagsterInstance.ephemeral() as instance:
        run = _evaluate(instance, AlertWebhookResource())
    [(_type, message)] = webhook.received
    assert f"http://127.0.0.1:4001/runs/{run.run_id}" in message["text"]
