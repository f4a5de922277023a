import pytest
from django.contrib.auth import get_user_model

from tests.accounts.helpers import PASSWORD


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("ada", email="ada@example.org", password=PASSWORD)
