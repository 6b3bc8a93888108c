import pytest


@pytest.fixture
def koordination(db, django_user_model):
    from django.contrib.auth.models import Group

    from zwk_portal.roles import sync_roles

    sync_roles()
    user = django_user_model.objects.create_user(
        "koordination-seiten",
        email="koordination@landkreis.example",
        password="x" * 16,
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="Koordination"))
    return user
