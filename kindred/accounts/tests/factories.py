import factory

from kindred.accounts.models import Membership, Network, Organisation, Role, User
from kindred.core.tests.names import PlainName

PASSWORD = "correct-horse-battery-staple"


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"network-{n}")
    name = factory.Sequence(lambda n: f"Network {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")
    network = factory.SubFactory(NetworkFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = PlainName("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    """A role held in an organisation. Given a network role (network admin, commissioner) and an
    organisation, it is held across that organisation's network instead (ADR-070), which is how
    tests say "a network admin acting for this organisation"."""

    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.COORDINATOR

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if Role(kwargs["role"]).reaches_network and kwargs.get("organisation") is not None:
            organisation = kwargs.pop("organisation")
            assert organisation.network_id, "a network role needs an organisation in a network"
            kwargs["network"] = organisation.network
            kwargs["organisation"] = None
        return super()._create(model_class, *args, **kwargs)
