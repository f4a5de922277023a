import pytest
from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple-7"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("ada", email="ada@example.org", password=PASSWORD)


def sign_up(client, username: str, *, address: str = "127.0.0.1", email: str = ""):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email or f"{username}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        REMOTE_ADDR=address,
    )


def sign_in(client, username: str, password: str, *, address: str = "127.0.0.1", url=None):
    return client.post(
        url or "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )
