"""A published group's sessions as an iCalendar feed (RFC 5545), written by `icalendar`.

Each session is its own VEVENT (no RRULE: the rows already say which sessions were moved or
cancelled), with DTSTART and DTEND in Europe/London (TZID, and the VTIMEZONE that defines it)
so a 14:00 session stays at 14:00 in every calendar across the clock changes. The UID is the
session's own id, so a calendar app updates a moved session in place rather than adding
another; a cancelled session stays, with STATUS:CANCELLED, so calendars remove it.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event, vText

from kindred.groups.published import LONDON, Group, Session, SessionStatus

PRODID = "-//Kindred//Peer support group directory//EN"
UID_DOMAIN = "directory.kindred"


def session_uid(session: Session) -> str:
    return f"{session.pk}@{UID_DOMAIN}"


def group_calendar(
    group: Group, sessions: list[Session], *, page_url: str, now: dt.datetime
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", group.name)
    calendar.add("x-wr-timezone", "Europe/London")
    venue = group.venue
    for session in sessions:
        event = Event()
        event.add("uid", session_uid(session))
        event.add("dtstamp", now)
        event.add("last-modified", session.updated_at)
        # A moved or cancelled session is a revised event (RFC 5545 3.8.7.4): calendars that
        # already hold it take the change because its sequence number went up.
        event.add("sequence", getattr(session, "revisions", 0))  # annotated by published.py
        event.add("dtstart", session.starts_at.astimezone(LONDON))
        event.add("dtend", session.ends_at.astimezone(LONDON))
        event.add("summary", group.name)
        event.add("description", group.description)
        where = session.venue if session.venue_id != venue.pk else venue
        event["location"] = vText(f"{where.name}, {where.address}, {where.postcode}")
        event.add("url", page_url)
        cancelled = session.status == SessionStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        # The reason a session was cancelled is not published: it may be about someone.
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
