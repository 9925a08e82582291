"""Tell HR when a Chefskartan run fails: a Prefect automation (flow run Failed -> notification).

Run once against the server, after `prefect deploy --all`, and again whenever the address changes:

    CHEFSKARTAN_ALERT_WEBHOOK_URL=https://... python deploy/notifications.py

Declared here as code, so it is the same on every server: a notification block
(`chefskartan-larm`: a webhook that takes JSON {"text": ...}, or a Teams incoming webhook with
CHEFSKARTAN_ALERT_KIND=teams) and an automation (`chefskartan: körning misslyckades`) that fires
on every Failed (or Crashed) run of the flows `refresh` and `refresh-survey` (every deployment
of them, and runs started from the command line against this server). Running it again replaces
both.
E-mail: install prefect-email, save an EmailServerCredentials block, and point the automation's
action at it instead; most kommuner's mail and Teams accept a webhook, which needs nothing more.
"""

from __future__ import annotations

import argparse
import contextlib
import os

from prefect.automations import Automation, EventTrigger, Posture, SendNotification
from prefect.blocks.notifications import CustomWebhookNotificationBlock, MicrosoftTeamsWebhook

BLOCK_NAME = "chefskartan-larm"
AUTOMATION_NAME = "chefskartan: körning misslyckades"
FLOWS = ["refresh", "refresh-survey"]
SUBJECT = "Chefskartan: {{ flow.name }}/{{ deployment.name or 'kommandoraden' }} misslyckades"
BODY = (
    "Körningen {{ flow_run.name }} ({{ flow.name }}/{{ deployment.name or 'kommandoraden' }}) "
    "slutade {{ flow_run.state.timestamp }} som {{ flow_run.state.name }}: "
    "{{ flow_run.state.message }}\n"
    "Inget nytt publicerades; förra publicerade lagret gäller. "
    "Se körningens rapport (artefakten refresh-report) i Prefect: {{ flow_run|ui_url }}"
)


def save_block(url: str, kind: str = "webhook") -> str:
    """The notification block; returns its document id."""
    if kind == "teams":
        block = MicrosoftTeamsWebhook(url=url)
    else:
        block = CustomWebhookNotificationBlock(
            name="Chefskartan", url=url, method="POST", json_data={"text": "{{subject}}\n{{body}}"}
        )
    return str(block.save(BLOCK_NAME, overwrite=True))


def failure_automation(block_id: str) -> Automation:
    """Fire on each Failed or Crashed run of a Chefskartan flow; send the notification block."""
    return Automation(
        name=AUTOMATION_NAME,
        description="Säger till HR när en uppdatering misslyckas (deploy/notifications.py).",
        trigger=EventTrigger(
            expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": FLOWS},
            posture=Posture.Reactive,
            threshold=1,
            within=0,
        ),
        actions=[SendNotification(block_document_id=block_id, subject=SUBJECT, body=BODY)],
    )


def ensure_failure_alert(url: str, kind: str = "webhook") -> Automation:
    """Create or replace the block and the automation (one of each, by name)."""
    block_id = save_block(url, kind)
    with contextlib.suppress(ValueError):  # none yet
        Automation.read(name=AUTOMATION_NAME).delete()
    return failure_automation(block_id).create()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("CHEFSKARTAN_ALERT_WEBHOOK_URL"))
    parser.add_argument(
        "--kind",
        choices=["webhook", "teams"],
        default=os.environ.get("CHEFSKARTAN_ALERT_KIND") or "webhook",
    )
    args = parser.parse_args()
    if not args.url:
        parser.error("ange --url eller CHEFSKARTAN_ALERT_WEBHOOK_URL")
    automation = ensure_failure_alert(args.url, args.kind)
    print(f"Automation {automation.name!r} ({automation.id}) → block {BLOCK_NAME}")


if __name__ == "__main__":
    main()
