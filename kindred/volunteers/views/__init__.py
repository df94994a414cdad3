"""Volunteer pages, by subject: `recruitment` (the public enquiry form, the board, moving people
on, invitations), `profile` (a volunteer's record and links, and their own details and
availability), `checks` (DBS and training), `roles`, `hours` (and what they are worth),
`expenses` and `support` (supervision, check-ins and requests for support). Each works from
`request.organisation` (`OrganisationRequest`); the volunteer's own pages work from their own
record only. Thin: parse, call a service, say what happened, redirect."""
