from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def collected_static():
    """Tests run with DEBUG off, so pages link hashed files that only collectstatic makes."""
    (ROOT / "var").mkdir(exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT)
