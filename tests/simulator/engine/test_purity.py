"""The engine is plain Python: importing it loads no part of the web framework, no app of the
site and not even the course's grammar, which its builders hand it instead."""

from tests.purity import ROOT, django_modules_loaded_by

# Every package of the project: an app, the settings, the grammar, the tests. The engine sits
# inside the simulator app's package, so that package itself is an exception; so is the content
# loader, plain Python that reads the scenario and level files for everyone alike.
ALLOWED = {"simulator", "contentfiles"}
PROJECT_PACKAGES = sorted(
    path.parent.name for path in ROOT.glob("*/__init__.py") if path.parent.name not in ALLOWED
)

LOADED_FROM_THE_PROJECT = (
    f"packages = {PROJECT_PACKAGES!r}\n"
    "loaded = sorted(\n"
    "    m for m in sys.modules\n"
    "    if m.split('.')[0] in packages\n"
    "    or (m.startswith('simulator.') and not m.startswith('simulator.engine'))\n"
    ")\n"
    "assert not loaded, f'the engine loaded {loaded}'\n"
)


def test_importing_the_engine_in_a_fresh_interpreter_loads_no_django():
    code = (
        "import simulator.engine as engine\n"
        "e = engine.load_scenario('order-flow').run()\n"
        "assert e.trace\n"
        "from simulator.engine import facts, levels, predicates\n"
        "level = levels.load_level('the-latecomer')\n"
        "assert levels.verify(level).fair\n"
        "assert facts.flow_facts(e.world, e).played\n"
    )
    assert django_modules_loaded_by(code) == "[]"


def test_the_engine_loads_neither_the_grammar_nor_any_app():
    code = (
        "import simulator.engine as engine\n"
        "e = engine.load_scenario('order-flow').run()\n"
        "e.apply({'action': 'publish', 'name': 'SendWelcomeEmail', 'from': 'Order'})\n"
        "e.run()\n"
        "assert any(r.step == 'smell' for r in e.trace)\n"
        "from simulator.engine import facts, levels, predicates, replay\n"
        "assert levels.verify(levels.load_level('the-latecomer')).fair\n"
    )
    assert "naming" in PROJECT_PACKAGES
    assert "courseware" in PROJECT_PACKAGES
    assert django_modules_loaded_by(code + LOADED_FROM_THE_PROJECT) == "[]"


def test_no_engine_module_mentions_django():
    for path in (ROOT / "simulator" / "engine").glob("*.py"):
        assert "django" not in path.read_text(encoding="utf-8").lower(), path.name
