"""Errors raised by the engine.

Two families: a ``DomainError`` means the learner (or a page acting for them) asked for something
the simulator cannot do; the engine's state is left exactly as it was. Any other ``EngineError``
means the data the engine was built from (a world, a scenario file) is wrong, which is a bug in the
course content rather than in anyone's input.
"""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class WorldError(EngineError):
    """The world data (services, topics, rules) is inconsistent."""


class ScenarioError(EngineError):
    """A scenario file is malformed or its inputs do not fit its world."""


class DomainError(EngineError):
    """A learner input was refused; nothing in the engine changed."""


class UnknownAction(DomainError):
    """The input's ``action`` is not one the engine understands."""


class UnknownService(DomainError):
    """The input names a service that is not part of the world."""


class InvalidInput(DomainError):
    """A field of the input is missing, of the wrong type or out of range."""


class InvalidMessageName(InvalidInput):
    """A message name contains characters a name cannot have, or is too long."""


class UnknownScenario(DomainError):
    """No guided scenario has this name."""
