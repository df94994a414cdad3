"""The audit actions of goals, reviews and crisis plans (ADR-084), named `<entity>.<past verb>`;
`legacy` names what older entries were written with."""

from kindred.core.audit_actions import audit_action, audit_view_actions

GOAL_ADDED = audit_action("goal.added", "A goal was added", legacy=("wellbeing.goal_added",))
GOAL_CHANGED = audit_action(
    "goal.changed",
    "A goal was changed",
    legacy=("wellbeing.goal_changed",),
)
REVIEW_RECORDED = audit_action(
    "review.recorded",
    "A progress review was recorded",
    legacy=("wellbeing.review_recorded",),
)
CRISIS_PLAN_SAVED = audit_action(
    "crisis_plan.saved",
    "A crisis plan was saved",
    legacy=("wellbeing.crisis_plan_saved",),
)
CRISIS_PLAN_SHARING_RECORDED = audit_action(
    "crisis_plan.sharing_recorded",
    "Who may see a crisis plan was recorded",
    legacy=("wellbeing.crisis_plan_sharing_recorded",),
)
CRISIS_PLAN_MOVED = audit_action(
    "crisis_plan.moved",
    "A crisis plan moved to the record another record of the same person was merged into",
)
GOALS = audit_view_actions("goals", "a person's goals", legacy=("wellbeing.goals_viewed",))
CRISIS_PLAN = audit_view_actions(
    "crisis_plan", "a person's crisis plan", legacy=("wellbeing.crisis_plan_viewed",)
)
