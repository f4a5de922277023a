"""Where each part of a world is drawn on the simulator's diagram.

Layout is computed from the world's data, so a scenario's own world gets a diagram too. Services
that take commands or start the flow stand on the left, services that only listen on the right,
and the broker in the middle: command queues (point-to-point) above, topics (fan-out) below. The
two kinds of channel differ by shape, label and position, never by colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 960
SERVICE_W, SERVICE_H = 150, 46
QUEUE_W, QUEUE_H = 170, 40
TOPIC_W, TOPIC_H = 180, 44
ROW_GAP = 14
TOP = 40


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # "service" | "queue" | "topic"
    label: str
    x: int
    y: int
    w: int
    h: int

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    @property
    def hexagon(self) -> str:
        """Corner points of a topic's hexagon, for an SVG polygon."""
        inset = 14
        x, y, w, h = self.x, self.y, self.w, self.h
        points = [
            (x + inset, y),
            (x + w - inset, y),
            (x + w, y + h // 2),
            (x + w - inset, y + h),
            (x + inset, y + h),
            (x, y + h // 2),
        ]
        return " ".join(f"{px},{py}" for px, py in points)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str  # "subscription" | "endpoint"
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)


def service_id(name: str) -> str:
    return "svc-" + name.lower().replace(" ", "-")


def queue_id(handler: str) -> str:
    return "queue-" + handler.lower().replace(" ", "-")


def topic_id(topic: str) -> str:
    return "topic-" + topic.lower()


def _column(names, x, w, h, top=TOP, gap=ROW_GAP):
    return [(name, x, top + i * (h + gap)) for i, name in enumerate(names)]


def layout(world) -> Diagram:
    """Positions for every service, command queue and topic of `world`."""
    handlers = sorted(
        {spec.handler for spec in world.commands.values()}, key=list(world.services).index
    )
    publishers = {spec.publisher for spec in world.events.values() if spec.publisher}
    left_names = [
        name
        for name in world.services
        if name in handlers or name in publishers or name == world.default_sender
    ]
    right_names = [name for name in world.services if name not in left_names]

    nodes: list[Node] = []
    for name, x, y in _column(left_names, 20, SERVICE_W, SERVICE_H):
        nodes.append(Node(service_id(name), "service", name, x, y, SERVICE_W, SERVICE_H))
    for name, x, y in _column(right_names, WIDTH - 20 - SERVICE_W, SERVICE_W, SERVICE_H):
        nodes.append(Node(service_id(name), "service", name, x, y, SERVICE_W, SERVICE_H))

    middle = (WIDTH - QUEUE_W) // 2
    queues = _column(handlers, middle, QUEUE_W, QUEUE_H, gap=ROW_GAP + 6)
    for name, x, y in queues:
        nodes.append(Node(queue_id(name), "queue", f"{name} queue", x, y, QUEUE_W, QUEUE_H))
    topics_top = TOP + len(handlers) * (QUEUE_H + ROW_GAP + 6) + 40
    middle = (WIDTH - TOPIC_W) // 2
    for name, x, y in _column(list(world.topics), middle, TOPIC_W, TOPIC_H, top=topics_top):
        nodes.append(Node(topic_id(name), "topic", name, x, y, TOPIC_W, TOPIC_H))

    by_id = {node.id: node for node in nodes}
    edges: list[Edge] = []
    for handler in handlers:
        edges.append(_edge(by_id[queue_id(handler)], by_id[service_id(handler)], "endpoint"))
    for topic, subscribers in world.topics.items():
        for subscriber in subscribers:
            edges.append(
                _edge(by_id[topic_id(topic)], by_id[service_id(subscriber)], "subscription")
            )

    height = max(node.y + node.h for node in nodes) + TOP
    return Diagram(WIDTH, height, tuple(nodes), tuple(edges))


def _edge(source: Node, target: Node, kind: str) -> Edge:
    # Lines meet the boxes at the side that faces the other end.
    if target.cx < source.cx:
        x1, x2 = source.x, target.x + target.w
    else:
        x1, x2 = source.x + source.w, target.x
    return Edge(source.id, target.id, kind, x1, source.cy, x2, target.cy)
