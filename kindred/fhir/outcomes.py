"""FHIR errors as OperationOutcome resources, each issue pointing at the offending element."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Issue:
    code: str  # FHIR issue-type: invalid, required, structure, value, not-found, too-costly...
    diagnostics: str
    expression: str = ""  # FHIRPath to the element, e.g. "ServiceRequest.subject"
    severity: str = "error"

    def as_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


@dataclass
class FhirError(Exception):
    """Refuse a FHIR request: HTTP status and the issues to report. Nothing has been stored."""

    status: int
    issues: list[Issue] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(issue.diagnostics for issue in self.issues)


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": [issue.as_fhir() for issue in issues]}


def path_of(resource: str, location: tuple[Any, ...]) -> str:
    """('name', 0, 'given') -> 'Patient.name[0].given' (a FHIRPath for a pydantic error)."""
    parts = [resource]
    for step in location:
        if isinstance(step, int):
            parts[-1] += f"[{step}]"
        elif not str(step).startswith("function-"):
            parts.append(str(step))
    return ".".join(parts)
