"""`make bench` (benchmarks/pages.py): production settings, served over plain HTTP on this machine.

Everything that shapes how fast a page is comes from production (DEBUG off, the manifest static
storage, the middleware, the cache, PostgreSQL); only what needs HTTPS is off (cookies marked
secure, the redirect to HTTPS, HSTS), since the load comes straight to gunicorn on 127.0.0.1.
The demo and scale app (kindred.nonprod) is installed for `kindred seed scale` and for the two
baseline views the benchmark compares every page with. Never for a real deployment: the secrets
come from the environment as in production (benchmarks/pages.py makes throwaway ones).
"""

from kindred.config.settings.production import *
from kindred.core.environment import env_bool

INSTALLED_APPS = [*INSTALLED_APPS, "kindred.nonprod"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The benchmark signs in with a password, as the demo does; production keeps the second step on.
KINDRED_TWO_FACTOR = env_bool("KINDRED_TWO_FACTOR", False)
