"""What the room's flow does next, decided by the engine's world. Pure Python, no Django.

The learners play the services, but they do not decide what a service does about their answer:
the world the simulator's engine runs does. A handler that accepts a command emits what its rule
says; one that refuses emits its rule's `on_reject` and its sender reacts to the refusal as the
world's `replies` say; a sender whose handler never answers follows its policy, trying again or
giving up and compensating. Each event a step publishes is followed by the reactions of the
world's subscribers that emit something (Order, the process manager, turns facts into the next
command); a command is not followed further, since its outcome is the next thing a learner decides.

The order of the steps is the engine's: a handler's own emissions come before its sender hears
the reply, which is how "PaymentDeclined" precedes "OrderCancelled" in the simulator's trace.
tests/classroom/test_judge.py holds the room's branches against real engine runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from simulator.engine import World

ACCEPTED, REJECTED, TIMED_OUT = "accepted", "rejected", "timed_out"
# A branch this long has gone round in circles: the world would be a loop.
MAX_STEPS = 40


def status_after(world: World, status: str, event: str) -> str:
    """The order's status once `event` is published: the world's projection, unchanged when
    the event does not move the order from where it is. An event that starts an order (one the
    projection takes from no status at all) starts a new one whatever the last order became."""
    transition = world.transitions.get(event)
    if transition is None:
        return status
    allowed, to = transition
    return to if status in allowed or "" in allowed else status


def may_follow(world: World, status: str, event: str) -> bool:
    """False for an event that would report success on an order already called off.

    Once the order is cancelled (or refunded), an event the projection cannot take from there,
    such as PaymentCompleted or OrderShipped, would tell the class the opposite of what happened.
    """
    if status not in ("cancelled", "refunded"):
        return True
    transition = world.transitions.get(event)
    return transition is None or status in transition[0] or "" in transition[0]


def after_command(
    world: World,
    *,
    command: str,
    sender: str,
    handler: str,
    outcome: str,
    attempt: int = 1,
    status: str = "",
) -> list[dict]:
    """The steps that follow one command's outcome, up to the commands it leads to."""
    steps: list[dict] = []
    if outcome == ACCEPTED:
        rule = world.rule_for(handler, command)
        emits = () if rule is None else rule.then
        if rule is not None:
            for wanted, chosen in rule.if_status:
                if wanted == status:
                    emits = chosen
                    break
        _emit(world, steps, handler, emits, status)
    elif outcome == REJECTED:
        rule = world.rule_for(handler, command)
        status = _emit(world, steps, handler, () if rule is None else rule.on_reject, status)
        _emit(world, steps, sender, world.replies.get((sender, command, REJECTED), ()), status)
    elif outcome == TIMED_OUT:
        policy = world.policy_for(sender, command)
        if attempt <= policy.retries:
            steps.append({"verb": "send", "name": command, "from": sender, "attempt": attempt + 1})
        else:
            _emit(world, steps, sender, policy.on_give_up, status)
    else:
        raise ValueError(f"unknown outcome {outcome!r}")
    return steps[:MAX_STEPS]


def _emit(world: World, steps: list[dict], service: str, emits: Iterable, status: str) -> str:
    """Appends what `service` emits and, for each event, what its subscribers emit in turn;
    returns the order's status after the steps added."""
    for emit in emits:
        if len(steps) >= MAX_STEPS:
            break
        steps.append({"verb": emit.verb, "name": emit.name, "from": service})
        if emit.verb != "publish":
            continue
        status = status_after(world, status, emit.name)
        for subscriber in world.topics.get(world.topic_of(emit.name), ()):
            rule = world.rule_for(subscriber, emit.name)
            if rule is None:
                continue
            reaction = rule.then
            for wanted, chosen in rule.if_status:
                if wanted == status:
                    reaction = chosen
                    break
            status = _emit(world, steps, subscriber, reaction, status)
    return status
