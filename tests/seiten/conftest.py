import pytest


@pytest.fixture
def plattform(db):
    """The platform's operators: the portal's pages and the barrier reports are theirs."""
    from tests.factories import platform_user

    user = platform_user("plattform-seiten")
    user.email = "plattform@landkreis.example"
    user.save()
    return user


@pytest.fixture
def koordination(db, kommune):
    from tests.factories import koordination_user

    return koordination_user(
        kommune, username="koordination-seiten", email="koordination@landkreis.example"
    )
