"""House rule 4: views start their queries from the organisation, never from Model.objects."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
DIRECT_QUERY = re.compile(r"\b[A-Z][A-Za-z]+\.objects\.|get_object_or_404\(\s*[A-Z]")


def test_views_never_query_a_model_directly():
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in PACKAGE.rglob("*views*.py")
        if "tests" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if DIRECT_QUERY.search(line)
    ]
    assert offenders == []
