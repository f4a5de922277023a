"""The order flow as the course describes it: one run of the `order-flow` scenario.

Lessons draw their table of the flow from this run, and the content check holds every claim
about the flow against it, so a change to the engine's world that the text does not follow
fails `manage.py check` instead of misleading a learner.
"""

from __future__ import annotations

from functools import cache

from naming.shared import course_classifier
from simulator.engine import load_scenario
from simulator.engine.facts import FlowFacts, flow_facts, steps_table

FLOW_SCENARIO = "order-flow"


@cache
def order_flow_facts() -> FlowFacts:
    scenario = load_scenario(FLOW_SCENARIO)
    engine = scenario.run(classify_name=course_classifier)
    return flow_facts(engine.world, engine)


def generated_blocks() -> dict[str, str]:
    """The Markdown blocks a lesson can ask for with a `::: name` line."""
    return {"order-flow-steps": steps_table(order_flow_facts())}
