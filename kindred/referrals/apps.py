from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "kindred.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from kindred.referrals import home  # noqa: F401 - registers home panels, header link, person section
