import pytest


@pytest.fixture
def outbox(settings, tmp_path):
    settings.KINDRED_NOTIFICATIONS_BACKEND = "file"
    settings.KINDRED_NOTIFICATIONS_FILE = str(tmp_path / "outbox.jsonl")
    return tmp_path / "outbox.jsonl"
