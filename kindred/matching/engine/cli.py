"""`kindred match-file INSTANCE.json [--out RESULT.json]`: solve one instance file.

Pure: no Django, no database, no network. On a malformed instance, or a file that cannot be read
or is not JSON, it prints `kindred match-file: <the first problem>` to standard error, writes
nothing, and returns 2. Otherwise it writes the result (to RESULT.json, replaced atomically, or to
standard output) and returns 0.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from kindred.matching.engine.fast_read import read_fast
from kindred.matching.engine.instance import Instance, MalformedInstance, parse_instance
from kindred.matching.engine.solve import CONTRACT_TOLERANCE, SolverError, solve

PROG = "kindred match-file"


class InstanceFileError(Exception):
    """The instance file cannot be read, or is not JSON."""


def match_file(
    path_in: str | os.PathLike[str], path_out: str | os.PathLike[str] | None = None
) -> int:
    """Solve the instance in `path_in`; write the result to `path_out` or standard output."""
    try:
        instance = read_instance(path_in)
        result = solve(instance)
        bound = result.score_error_bound
        if bound is not None and bound > CONTRACT_TOLERANCE:
            print(
                f"{PROG}: note: the total score is optimal to within {bound:.2g} "
                f"(the solver's number range is stretched by this instance's size)",
                file=sys.stderr,
            )
        text = json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"
        if path_out is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            _write_atomically(Path(path_out), text)
    except (InstanceFileError, MalformedInstance) as error:
        return _fail(str(error), 2)
    except SolverError as error:
        return _fail(str(error), 1)
    except OSError as error:
        return _fail(f"cannot write {path_out}: {error.strerror or error}", 2)
    return 0


def read_instance(path: str | os.PathLike[str]) -> Instance:
    """Read and check an instance file. Raises InstanceFileError or MalformedInstance."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise InstanceFileError(f"cannot read {path}: {error.strerror or error}") from error
    # A well-formed file is read by msgspec and checked over arrays (ADR-102); anything it is
    # not sure of is read again below, slowly, so that every problem is named exactly as before.
    fast = read_fast(raw)
    if fast is not None:
        return fast
    try:
        data = json.loads(
            raw.decode("utf-8"),
            parse_constant=_refuse_constant,
            object_pairs_hook=_object_without_repeated_keys,
        )
    except UnicodeDecodeError as error:
        raise InstanceFileError(f"{path} is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise InstanceFileError(
            f"{path} is not valid JSON: {error.msg} (line {error.lineno} column {error.colno})"
        ) from error
    except _NotJson as error:
        raise InstanceFileError(f"{path} is not valid JSON: {error}") from error
    return parse_instance(data)


class _NotJson(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not allowed")


def _object_without_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _NotJson(f"an object repeats the key {json.dumps(key, ensure_ascii=False)}")
        found[key] = value
    return found


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code
