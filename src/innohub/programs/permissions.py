"""Permission codes of programmes and selection (granted by roles, accounts/roles.py).

- programs.view    — staff see the center's programmes, calls, applications and scores
- programs.manage  — create and edit programmes, calls, forms, rounds, criteria, panels; run assignment
- programs.decide  — decide applications, answer appeals, publish results
- programs.review  — may be put on review panels (reviewers and mentors/experts)

Applicants need no permission: a member of an organisation (directory.OrganisationMember) may apply
for it. Reviewers see only the applications assigned to them in open rounds, never a conflicted one.
"""

VIEW = "programs.view"
MANAGE = "programs.manage"
DECIDE = "programs.decide"
REVIEW = "programs.review"

STAFF_PERMISSIONS = [VIEW, MANAGE, DECIDE]
REVIEWER_PERMISSIONS = [REVIEW]
