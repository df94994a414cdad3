from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "kindred.relationships"
    label = "relationships"
    verbose_name = "Relationships"

    def ready(self) -> None:
        # Imported here, not at the top: these modules use models, which exist only once the
        # app registry is ready. Each is this app's own module or the registry it joins.
        from kindred.referrals.supporters import supporter_check
        from kindred.relationships import (  # noqa: F401 - registers panels, sections, daily jobs
            home,
            selectors,
            tasks,
        )

        # Referrals asks "does this user support this person?" (a concern for their GP) and
        # only relationships knows (ADR-088).
        supporter_check(selectors.supports_person)

        # People merges two records of one person but sits below relationships: relationships
        # registers how its records follow the person (ADR-090).
        from kindred.people.merging import person_records
        from kindred.relationships import services

        person_records(
            "relationships",
            label="Support relationships",
            held=services.person_relationships_held,
            move=services.person_relationships_move,
            note=services.person_relationships_note,
            order=20,
        )
