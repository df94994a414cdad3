"""The audit actions of the FHIR API's tokens (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action

API_TOKEN_CREATED = audit_action("api_token.created", "A FHIR API token was made")
API_TOKEN_REVOKED = audit_action("api_token.revoked", "A FHIR API token was revoked")
