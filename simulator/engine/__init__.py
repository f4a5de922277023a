"""A deterministic model of a message broker and the services around it.

Pure Python, with no web framework: the same seed and the same inputs give the same trace, record
for record. Start with ``Engine`` (or ``load_scenario``), apply inputs, ``run()``, read ``trace``.
"""

from .core import Engine, default_world
from .errors import (
    DomainError,
    EngineError,
    InvalidInput,
    InvalidMessageName,
    ScenarioError,
    UnknownAction,
    UnknownScenario,
    UnknownService,
    WorldError,
)
from .inputs import ACTIONS
from .messages import Message
from .narration import narrate, narrate_all
from .scenarios import Question, Scenario, list_scenarios, load_scenario
from .trace import STEP_KINDS, Step
from .world import World

__all__ = [
    "ACTIONS",
    "STEP_KINDS",
    "DomainError",
    "Engine",
    "EngineError",
    "InvalidInput",
    "InvalidMessageName",
    "Message",
    "Question",
    "Scenario",
    "ScenarioError",
    "Step",
    "UnknownAction",
    "UnknownScenario",
    "UnknownService",
    "World",
    "WorldError",
    "default_world",
    "list_scenarios",
    "load_scenario",
    "narrate",
    "narrate_all",
]
