"""Signing up and signing in through the account forms, as the account tests do it."""

PASSWORD = "correct-horse-battery-staple-7"


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
