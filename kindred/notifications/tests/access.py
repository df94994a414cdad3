"""Who may use the notifications app's routes (read by kindred/core/tests/test_routes.py)."""

from kindred.accounts.models import Role
from kindred.notifications.models import Notification

ROUTES = {
    "notifications:list": {Role.COORDINATOR},
    "notifications:detail": {Role.COORDINATOR},
}

# A message's subject: if it appears on a page Charlie (another organisation) opens, it leaked.
SECRET = "Wilhelmina's reminder"


def url_kwargs(organisation):
    message = Notification.objects.create(
        organisation=organisation,
        recipient="someone@example.com",
        subject=SECRET,
        body="See you on Tuesday.",
        kind="test.reminder",
        status=Notification.Status.FAILED,
        error="400 BadRequestError: email_address Not a valid email address",
    )
    return {"message_id": message.pk}
