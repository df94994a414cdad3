from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "kindred.wellbeing"
    label = "wellbeing"
    verbose_name = "Goals and crisis plans"

    def ready(self) -> None:
        # Imported here, not at the top: it uses models, which exist only once the app registry
        # is ready. It is this app's own module; it registers the person page sections, the
        # subject access parts and the links on relationships' pages (kindred.relationships.links).
        # People merges two records of one person but sits below wellbeing: wellbeing registers
        # how its records follow the person (ADR-090), in the registry people gives.
        from kindred.people.merging import person_records
        from kindred.wellbeing import home, services  # noqa: F401 - home: see above

        person_records(
            "wellbeing",
            label="Goals and crisis plans",
            held=services.person_wellbeing_held,
            move=services.person_wellbeing_move,
            note=services.person_wellbeing_note,
            order=30,
        )
