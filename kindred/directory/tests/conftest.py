import datetime as dt

import pytest

from kindred.core.services import Acting
from kindred.groups import services
from kindred.groups.tests.factories import make_group, make_venue
from kindred.people import identifiers


def real_postcode(district: str) -> str:
    """A real postcode in a district, from the ONS data (with a grid reference)."""
    return identifiers.postcodes_in_district(district, 1)[0].postcode


@pytest.fixture
def cancel():
    def cancel(session, reason="The hall is closed"):
        by = Acting.system("test", organisation=session.organisation)
        return services.session_cancel(
            by=by, session=session, expected=session.status, reason=reason
        )

    return cancel


@pytest.fixture
def three_towns(organisation, other_organisation):
    """Published groups in Stockport, Manchester and Leeds (nearest to Stockport first), an
    unpublished group in Stockport, and another organisation's unpublished group there too."""
    stockport = make_venue(organisation, name="Stockport hall", postcode=real_postcode("SK1"))
    manchester = make_venue(organisation, name="Manchester hall", postcode=real_postcode("M1"))
    leeds = make_venue(other_organisation, name="Leeds hall", postcode=real_postcode("LS8"))
    return {
        "leeds": make_group(other_organisation, venue=leeds, name="Leeds walkers"),
        "manchester": make_group(organisation, venue=manchester, name="Manchester knitters"),
        "stockport": make_group(organisation, venue=stockport, name="Stockport yoga"),
        "hidden": make_group(organisation, venue=stockport, name="Secret planning group",
                             published=False, starts=dt.time(18, 0),
                             ends=dt.time(19, 0)),
        "theirs": make_group(other_organisation, venue=leeds, name="Their private circle",
                             published=False, starts=dt.time(18, 0),
                             ends=dt.time(19, 0)),
    }  # fmt: skip
