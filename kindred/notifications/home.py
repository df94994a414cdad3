"""The notifications app's link in the header."""

from kindred.core.pages import nav_item

nav_item("Messages", "notifications:list", permission="notifications.view_notifications", order=95)
