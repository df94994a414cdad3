"""The audit actions of demo and scale data (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action

SCALE_DATA_SEEDED = audit_action(
    "scale_data.seeded",
    "Scale data was generated for benchmarks",
    legacy=("seed.scale",),
)
