import json

import pytest


@pytest.fixture
def outbox(settings, tmp_path):
    """What the file backend sent, as a function returning the messages so far."""
    settings.KINDRED_NOTIFICATIONS_BACKEND = "file"
    settings.KINDRED_NOTIFICATIONS_FILE = str(tmp_path / "outbox.jsonl")
    path = tmp_path / "outbox.jsonl"

    def sent():
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return sent
