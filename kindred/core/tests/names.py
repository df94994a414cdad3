"""Names for test factories: Faker's British names without apostrophes.

Tests look for a name in a page's HTML, where Jinja writes O'Brien as O&#39;Brien; a random
apostrophe made such tests fail now and then. How a name with an apostrophe is shown is tested
once, on purpose, in kindred/people/tests/test_names_with_apostrophes.py."""

import factory


class PlainName(factory.Faker):
    """factory.Faker for a name (first_name, last_name, name) in en_GB, apostrophes dropped."""

    def __init__(self, provider: str):
        super().__init__(provider, locale="en_GB")

    def evaluate(self, instance, step, extra):
        return super().evaluate(instance, step, extra).replace("'", "")
