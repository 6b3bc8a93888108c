import pytest

from tests.factories import koordination_user, platform_user


@pytest.fixture
def plattform(db):
    """The platform's operators: the portal's pages and the barrier reports are theirs."""
    user = platform_user("plattform-seiten")
    user.email = "plattform@landkreis.example"
    user.save()
    return user


@pytest.fixture
def koordination(db, kommune):
    return koordination_user(
        kommune, username="koordination-seiten", email="koordination@landkreis.example"
    )
