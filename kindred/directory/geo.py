"""British National Grid (OSGB36, EPSG:27700) eastings and northings to WGS84 (EPSG:4326)
latitude and longitude, with pyproj (PROJ), for the Open Referral UK API.

pyproj's wheel ships PROJ and its database; the grid-shift files PROJ can fetch from its CDN are
never fetched: network access is switched off before the first transformer is made, so the
conversion uses the bundled Helmert parameters (accurate to a few metres, ample for "where is
the hall"). A Transformer is not safe to share between threads: each thread has its own.
"""

from __future__ import annotations

import os
import threading

os.environ.setdefault("PROJ_NETWORK", "OFF")

from pyproj import Transformer  # imported after PROJ_NETWORK is set
from pyproj import network as proj_network

_local = threading.local()


def _transformer() -> Transformer:
    transformer = getattr(_local, "transformer", None)
    if transformer is None:
        proj_network.set_network_enabled(active=False)  # type: ignore[attr-defined]
        transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
        _local.transformer = transformer
    return transformer


def latitude_longitude(easting: int | None, northing: int | None) -> tuple[float, float] | None:
    """WGS84 (latitude, longitude) in decimal degrees to 6 places (about 10 cm), or None when
    the grid reference is missing."""
    if easting is None or northing is None:
        return None
    longitude, latitude = _transformer().transform(float(easting), float(northing))
    return round(latitude, 6), round(longitude, 6)
