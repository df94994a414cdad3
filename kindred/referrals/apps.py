from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "kindred.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        # Local, and within this app: `home` imports models, which Django can load only once
        # every app is ready; importing it registers the home panels, header links and person section.
        # People merges two records of one person but sits below referrals: referrals registers
        # how its records follow the person (ADR-090), in the registry people gives.
        from kindred.people.merging import person_records
        from kindred.referrals import home, services  # noqa: F401 - home: see above

        person_records(
            "referrals",
            label="Referrals and concerns for the GP",
            held=services.person_referrals_held,
            move=services.person_referrals_move,
            order=10,
        )
