"""The room on the big screen: the simulator's diagram, with the class standing in for services.

The projector draws the room's world with the simulator's own layout and animation. This module
turns the room's records into what that animation reads (routes between diagram nodes, and each
service's state) and says who plays each node, so the page only moves shapes and writes names.
Pure Python over the room's state; nothing here decides anything about the room.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from classroom.room import RoomState
from diagram import layouts, queue_id, service_id, topic_id
from simulator.engine import load_scenario
from simulator.engine.order_flow import ORDER_FLOW
from simulator.engine.world import World

PROJECTOR = "projector"
# Height of the band under each service's name where the projector writes who plays it.
CAPTION_H = 20
# The messages whose waiting copies the diagram counts; older ones are long answered in a class.
RECENT_MESSAGES = 40


@cache
def world_for(scenario_name: str) -> World:
    """The world a room of this flow plays, as the room's script was taken from it."""
    return load_scenario(scenario_name).world() or World.from_data(ORDER_FLOW)


@cache
def diagrams_for(scenario_name: str):
    # Nothing in a room publishes a name of its own, so the default topic would stand empty.
    return layouts(world_for(scenario_name), caption=CAPTION_H, own_names=False)


def _node(world: World, service: str | None) -> str | None:
    return service_id(service) if service in world.services else None


def _role_service(state: RoomState, pid: str | None) -> str | None:
    role = (state.participants.get(pid) or {}).get("role") if pid else None
    return role["service"] if role else None


def _route(step: str, kind: str, message: str, source, target, **extra) -> dict[str, Any]:
    return {
        "step": step,
        "kind": kind,
        "message": message,
        "source": source if source != target else None,
        "target": target,
        "instance": extra.get("instance"),
        "moves": extra.get("moves", True) and source is not None and target is not None,
    }


def routes(record: Mapping[str, Any], state: RoomState) -> list[dict[str, Any]]:
    """Where the tokens of one record travel on the diagram, read against the state after it.

    A message's first leg (to its topic or queue) only lights up; the token flies on the leg
    that reaches the services whose learners just received it, so the class watches its own
    phones being served. Answers travel back: an acknowledgement to the topic, an acceptance or
    a refusal to the command's sender.
    """
    world = world_for(state.scenario)
    kind = record["type"]
    message = state.messages.get(record.get("mid") or "", {})
    name = record.get("name") or message.get("name") or ""
    if kind == "published":
        topic = topic_id(record["topic"])
        found = [_route("published", "event", name, _node(world, record["from"]), topic)]
        found[0]["moves"] = False
        services = dict.fromkeys(_role_service(state, pid) for pid in record["deliveries"])
        for service in services:
            if _node(world, service):
                found.append(_route("delivered", "event", name, topic, _node(world, service)))
        return found
    if kind == "sent":
        queue = queue_id(record["service"])
        found = [_route("sent", "command", name, _node(world, record["from"]), queue)]
        found[0]["moves"] = False
        if record.get("pid"):
            handler = _node(world, record["service"])
            found.append(
                _route("delivered", "command", name, queue, handler, instance=record["instance"])
            )
        return found
    if not message:
        return []
    if kind == "acknowledged":
        service = _role_service(state, record["pid"])
        return [_route("replied", "event", name, _node(world, service), topic_id(message["topic"]))]
    if kind in ("accepted", "rejected"):
        step = "replied" if kind == "accepted" else "rejected"
        handler = _node(world, message["service"])
        return [_route(step, "command", name, handler, _node(world, message["from"]))]
    if kind == "timed_out":
        return [
            _route("timed_out", "command", name, None, queue_id(message["service"]), moves=False)
        ]
    return []


def view(state: RoomState) -> dict[str, Any]:
    """Each service's state as the simulator's diagram reads it: how many learners run a
    handler's instances, how many of the room's latest messages wait for the learners playing
    it, and the topics it takes (a topic someone plays it on shows a subscription the world
    only offers later)."""
    world = world_for(state.scenario)
    services: dict[str, dict[str, Any]] = {}
    for name in world.services:
        topics = [topic_id(t) for t, subs in world.topics.items() if name in subs]
        services[service_id(name)] = {
            "online": True,
            "slow": False,
            "instances": 0,
            "buffered": 0,
            "topics": topics,
        }
    entries: dict[str, dict[str, Any]] = {}
    for pid, person in state.participants.items():
        role = person.get("role")
        entry = services.get(service_id(role["service"])) if role else None
        if entry is None:
            continue
        entries[pid] = entry
        if role["kind"] == "handler":
            entry["instances"] += 1
        elif topic_id(role["topic"]) not in entry["topics"]:
            entry["topics"].append(topic_id(role["topic"]))
    # One pass over the latest messages, not over all of them once per learner: the projector
    # redraws this with every record, and a room of 200 learners may hold 500 messages.
    for message in list(state.messages.values())[-RECENT_MESSAGES:]:
        if message["kind"] == "event":
            waiting = [p for p, status in message["deliveries"].items() if status == "delivered"]
        else:
            waiting = [message["assignee"]] if message["status"] == "pending" else []
        for pid in waiting:
            if pid in entries:
                entries[pid]["buffered"] += 1
    return {"services": services}


def cast(state: RoomState) -> list[dict[str, Any]]:
    """Who plays each service, for the captions on the diagram and the list beside it."""
    world = world_for(state.scenario)
    by_service: dict[str, list[dict[str, Any]]] = {}
    for person in sorted(state.participants.values(), key=lambda p: p.get("joined", 0)):
        role = person.get("role")
        if not role or role["service"] not in world.services:
            continue
        instance = role.get("instance") if role["kind"] == "handler" else None
        by_service.setdefault(role["service"], []).append(
            {"name": person["name"], "instance": instance, "topic": role.get("topic")}
        )
    rows = []
    for service in world.services:
        people = by_service.get(service)
        if people:
            people.sort(key=lambda p: p["instance"] or 0)
            rows.append({"service": service, "node": service_id(service), "people": people})
    return rows
