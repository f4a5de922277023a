"""Just enough of a browser for the classroom's pages on a real server: cookies per host, forms
with their CSRF token; and the teacher and learners it signs in and seats."""

from __future__ import annotations

import http.client
from http.cookies import SimpleCookie
from urllib.parse import urlencode

PASSWORD = "a-long-teaching-password"
# Long enough for a busy two-core machine, short enough that a hang fails the test quickly.
FRAME_TIMEOUT_S = 10


class Browser:
    """Just enough of a browser for these pages: cookies, forms with their CSRF token."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, server, method: str, path: str, form: dict | None = None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = server.url
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.getheader("Location", ""), content

    def get(self, server, path: str):
        return self.request(server, "GET", path)

    def post(self, server, path: str, form: dict):
        status, location, content = self.request(server, "POST", path, form)
        assert status == 302, f"POST {path} answered {status}: {content[:300]!r}"
        return location


def sign_in_and_open_room(server) -> tuple[Browser, str]:
    teacher = Browser()
    assert teacher.get(server, "/accounts/login/")[0] == 200
    teacher.post(server, "/accounts/login/", {"username": "teacher", "password": PASSWORD})
    assert teacher.get(server, "/classroom/")[0] == 200
    location = teacher.post(server, "/classroom/open/", {"scenario": "order-flow"})
    code = location.rstrip("/").split("/")[-2]
    assert location == f"/classroom/{code}/teach/"
    return teacher, code


def join(server, code: str, name: str) -> Browser:
    learner = Browser()
    assert learner.get(server, "/classroom/")[0] == 200
    location = learner.post(server, "/classroom/join/", {"code": code, "name": name})
    assert location == f"/classroom/{code}/"
    return learner
