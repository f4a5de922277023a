"""The engine is plain Python: importing it loads no part of the web framework."""

from tests.purity import ROOT, django_modules_loaded_by


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


def test_no_engine_module_mentions_django():
    for path in (ROOT / "simulator" / "engine").glob("*.py"):
        assert "django" not in path.read_text(encoding="utf-8").lower(), path.name
