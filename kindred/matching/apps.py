from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "kindred.matching"
    label = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        # Imported here, not at the top: these modules use models, which exist only once the
        # app registry is ready. Both are matching's own modules.
        from kindred.matching import home, receivers, tasks  # noqa: F401 - home registers panels,
        # links; tasks its daily job

        receivers.connect()

        # People merges two records of one person but sits below matching: matching registers
        # how its records follow the person (ADR-090).
        from kindred.matching import services
        from kindred.people.merging import person_records  # the registry (see above)

        person_records(
            "matching",
            label="Supporters never to be matched with them",
            held=services.person_conflicts_held,
            move=services.person_conflicts_move,
            order=40,
        )
