"""The demo has befriending to show: the demo volunteer supports two people (one gone quiet), and
the coordinator sees worries, a concern, an overdue review, a pause and an ending. Seeding twice
changes nothing."""

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.middleware import SESSION_KEY
from kindred.accounts.models import Organisation, User
from kindred.nonprod.constants import demo_email
from kindred.relationships import selectors
from kindred.relationships.models import Contact, Relationship, Status
from kindred.safeguarding.models import Concern


def test_demo_relationships(db):
    call_command("seed", "demo", verbosity=0)
    counts = (Relationship.objects.count(), Contact.objects.count(), Concern.objects.count())
    call_command("seed", "demo", verbosity=0)
    assert (
        Relationship.objects.count(),
        Contact.objects.count(),
        Concern.objects.count(),
    ) == counts
    leeds = Organisation.objects.get(slug="leeds-maecare")
    today = timezone.localdate()
    tom = User.objects.get(email=demo_email("volunteer"))
    toms = selectors.my_people(organisation=leeds, user=tom, today=today)
    assert len(toms) == 2
    assert any(selectors.is_quiet(r, today) for r in toms)
    assert all(r.contacts.filter(logged_by=tom).exists() for r in toms)  # he logged them
    assert selectors.gone_quiet(organisation=leeds, today=today).count() >= 2
    assert selectors.reviews_overdue(organisation=leeds, today=today).exists()
    assert selectors.worried_contacts(organisation=leeds, today=today).exists()
    assert selectors.open_concerns(organisation=leeds).count() == 1
    # Safeguarding (issue 16): the befriender's concern reached the named lead; others are under
    # enquiry and closed.
    from_visit = selectors.open_concerns(organisation=leeds).get().concern
    assert from_visit.timeline.filter(told__email=demo_email("safeguarding-lead")).exists()
    assert set(leeds.concerns.values_list("status", flat=True)) == {"raised", "enquiry", "closed"}
    assert leeds.concerns.get(status="enquiry").timeline.filter(kind="section_42").exists()
    statuses = set(leeds.relationships.values_list("status", flat=True))
    assert statuses == {Status.INTRODUCED, Status.ACTIVE, Status.PAUSED, Status.ENDED}
    pairs = [r for r in leeds.relationships.all() if r.supporter_links.count() == 2]
    assert len(pairs) == 1  # a pair of supporters, as Solidarity in a Crisis works
    stockport = Organisation.objects.get(slug="stockport-wellbeing")
    assert stockport.relationships.count() == 9

    # And the pages show it: Tom's "My people", the coordinator's home page and caseload
    def signed_in(user: User) -> Client:
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = str(leeds.pk)
        session.save()
        return client

    mine = signed_in(tom).get(reverse("relationships:mine")).content.decode()
    assert all(r.person.family_name in mine for r in toms)
    priya = signed_in(User.objects.get(email=demo_email("coordinator")))
    home = priya.get(reverse("core:home")).content.decode()
    assert "Relationships gone quiet" in home and "Worries and concerns from supporters" in home
    caseload = priya.get(reverse("relationships:caseload"), {"worried": "on"})
    assert caseload.status_code == 200 and "Concern" in caseload.content.decode()
