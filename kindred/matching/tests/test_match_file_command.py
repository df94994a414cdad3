"""`kindred match-file` end to end, in a fresh process with no usable database settings."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kindred.matching.tests.test_solve import CONTRACT_EXAMPLE

REPOSITORY = Path(__file__).resolve().parents[3]
ENGINE = REPOSITORY / "kindred" / "matching" / "engine"


def run(*args: str, settings: str = "kindred.config.settings.no_such_settings"):
    # Any Django start-up would fail with these: match-file must not start Django.
    env = {**os.environ, "DATABASE_URL": "nonsense://", "DJANGO_SETTINGS_MODULE": settings}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kindred.cli", *args],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def example(tmp_path: Path) -> Path:
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(CONTRACT_EXAMPLE))
    return path


def test_the_example_is_solved_into_the_result_file(example, tmp_path):
    out = tmp_path / "result.json"
    done = run("match-file", str(example), "--out", str(out))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    result = json.loads(out.read_text())
    assert result["places_filled"] == 3
    assert result["total_score"] == pytest.approx(1.87)
    assert result["unfilled"] == []
    assert result["assignments"] == [
        {"person": "p1", "supporter": "s1", "score": 0.82},
        {"person": "p2", "supporter": "s2", "score": 0.65},
        {"person": "p2", "supporter": "s1", "score": 0.4},
    ]
    assert isinstance(result["seconds"], float)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["instance.json", "result.json"]


def test_without_out_the_result_goes_to_standard_output(example):
    done = run("match-file", str(example))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["places_filled"] == 3


def test_a_malformed_instance_exits_2_names_the_problem_and_writes_nothing(tmp_path):
    bad = json.loads(json.dumps(CONTRACT_EXAMPLE))
    bad["candidates"].append({"person": "p1", "supporter": "s9", "score": 0.5})
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(bad))
    done = run("match-file", str(instance), "--out", str(tmp_path / "result.json"))
    assert done.returncode == 2
    assert done.stderr == 'kindred match-file: candidates[3]: unknown supporter "s9"\n'
    assert done.stdout == ""
    assert list(tmp_path.iterdir()) == [instance]


def test_other_commands_still_start_django_and_see_the_bad_database_url():
    done = run("organisations", settings="kindred.config.settings.local")
    assert done.returncode == 2
    assert done.stderr.startswith("kindred: DATABASE_URL is not a usable database URL")


def test_running_match_file_never_imports_django(example, tmp_path):
    script = (
        "import sys; from kindred.cli import main; "
        f"code = main(['match-file', {str(example)!r}, '--out', {str(tmp_path / 'r.json')!r}]); "
        "print(code, sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=REPOSITORY, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "0 []"


def test_the_engine_imports_nothing_from_django_or_the_rest_of_kindred():
    imported: list[tuple[str, str]] = []
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported += [(path.name, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.append((path.name, node.module))
    assert imported, "the walk found the engine's imports"
    offenders = [
        (name, module)
        for name, module in imported
        if module.split(".")[0] == "django"
        or (module.startswith("kindred") and not module.startswith("kindred.matching.engine"))
    ]
    assert offenders == []
