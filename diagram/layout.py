"""Where each part of a world is drawn on the simulator's diagram.

Layout is computed from the world's data, so a scenario's own world gets a diagram too. Two
layouts are drawn from the same data: a wide one for a laptop (services that take commands or
start the flow on the left, services that only listen on the right, the broker in the middle)
and a tall one for a phone (the same three groups stacked, so that labels stay readable at a
phone's width). Command queues (point-to-point) and topics (fan-out) differ by shape, label and
position, never by colour alone. Every route a message can take has its own line: send (sender to
queue), hand-over (queue to handler), publish (publisher to topic), delivery (topic to each
subscription) and reply (handler back to sender).
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.engine.world import MAX_INSTANCES, World

WIDTH = 960
SERVICE_W, SERVICE_H = 150, 40
# A handler's box holds a row of instance slots (Payment #1, #2, ...) under its name.
SLOT_H, SLOT_GAP = 22, 4
QUEUE_W, QUEUE_H = 184, 40
TOPIC_W, TOPIC_H = 200, 40
ROW_GAP = 14
TOP = 16

# The phone's layout: the view box is about as wide as the screen, so that 13-unit labels are
# drawn at about 13 px.
TALL_WIDTH = 372
TALL_COLUMNS = 3
TALL_TOPIC_COLUMNS = 2


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # "service" | "queue" | "topic"
    label: str
    x: int
    y: int
    w: int
    h: int
    slots: int = 0  # instance slots drawn inside a handler's box
    # A band at the bottom of a service's box for a caption (the projector writes there who
    # plays the service); none on the simulator's own diagram.
    caption: int = 0

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    @property
    def label_y(self) -> int:
        """Where the name sits: centred, or in the top band of a box with instance slots."""
        return self.y + 14 if self.slots else self.y + (self.h - self.caption) // 2

    @property
    def caption_y(self) -> int:
        return self.y + self.h - self.caption // 2

    @property
    def instance_slots(self) -> list[dict]:
        """Boxes for instances #1 to #MAX_INSTANCES; the page shows as many as are running."""
        if not self.slots:
            return []
        width = (self.w - 8 - SLOT_GAP * (self.slots - 1)) // self.slots
        y = self.y + self.h - self.caption - SLOT_H - 4
        return [
            {
                "number": n + 1,
                "x": self.x + 4 + n * (width + SLOT_GAP),
                "y": y,
                "w": width,
                "h": SLOT_H,
                "cx": self.x + 4 + n * (width + SLOT_GAP) + width // 2,
                "cy": y + SLOT_H // 2,
            }
            for n in range(self.slots)
        ]

    @property
    def hexagon(self) -> str:
        """Corner points of a topic's hexagon, for an SVG polygon."""
        inset = 12
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
    kind: str  # "send" | "endpoint" | "publish" | "subscription" | "reply"
    path: str  # SVG path data, drawn from source to target
    # A subscription the service can take during the run (Loyalty joining later): drawn, and
    # shown once the service has subscribed.
    later: bool = False


@dataclass(frozen=True)
class Diagram:
    name: str  # "wide" | "tall"
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


def _handlers(world) -> list[str]:
    return sorted(
        {spec.handler for spec in world.commands.values()}, key=list(world.services).index
    )


def _groups(world) -> tuple[list[str], list[str], list[str]]:
    """(services that send or handle, command handlers, services that only listen)."""
    handlers = _handlers(world)
    publishers = {spec.publisher for spec in world.events.values() if spec.publisher}
    senders = {sender for sender, _ in command_senders(world)}
    actors = [
        name
        for name in world.services
        if name in handlers or name in publishers or name in senders or name == world.default_sender
    ]
    listeners = [name for name in world.services if name not in actors]
    return actors, handlers, listeners


def command_senders(world) -> list[tuple[str, str]]:
    """(sender, command) for every command the world's own rules send, and the default sender
    for the commands nobody else sends (the learner's "Send command" comes from it)."""
    pairs: list[tuple[str, str]] = []

    def add(sender, emits):
        for emit in emits:
            if emit.verb == "send" and (sender, emit.name) not in pairs:
                pairs.append((sender, emit.name))

    for rule in world.rules.values():
        add(rule.service, rule.then)
        for _, emits in rule.if_status:
            add(rule.service, emits)
    for (sender, _), policy in world.policies.items():
        add(sender, policy.on_give_up)
    for (service, _, _), emits in world.replies.items():
        add(service, emits)
    sent = {command for _, command in pairs}
    for command in world.commands:
        if command not in sent:
            pairs.append((world.default_sender, command))
    return pairs


def _topics(world, inputs=(), own_names: bool = True) -> list[str]:
    """The topics to draw. The engine's default topic, where an event the world does not know
    is published, is drawn only when something travels through it: a subscriber, an event of the
    world or one of the inputs published there, or, on a page where the learner may publish a
    name of their own, a world that lists the topic itself (the order flow does, so that a
    learner's own event has somewhere to go). A learner's own system never lists it, and
    a box nobody uses would only puzzle them."""
    default = world.default_topic

    def used() -> bool:
        if world.topics[default] or any(s.topic == default for s in world.events.values()):
            return True
        if own_names and default in world.data.get("topics", {}):
            return True
        return any(
            item.get("action") == "publish" and world.topic_of(str(item.get("name"))) == default
            for item in inputs
        )

    return [t for t in world.topics if t != default or used()]


def _slots(name: str, handlers: list[str]) -> int:
    return MAX_INSTANCES if name in handlers else 0


def _service_node(name: str, x: int, y: int, w: int, handlers: list[str], caption: int = 0) -> Node:
    slots = _slots(name, handlers)
    h = SERVICE_H + (SLOT_H + 2 if slots else 0) + caption
    return Node(service_id(name), "service", name, x, y, w, h, slots, caption)


def _wide(world, topics: list[str], caption: int = 0) -> tuple[list[Node], int]:
    actors, handlers, listeners = _groups(world)
    nodes: list[Node] = []
    y = TOP
    for name in actors:
        node = _service_node(name, 56, y, SERVICE_W, handlers, caption)
        nodes.append(node)
        y += node.h + ROW_GAP
    bottom = y
    y = TOP
    for name in listeners:
        node = _service_node(name, WIDTH - 20 - SERVICE_W, y, SERVICE_W, handlers, caption)
        nodes.append(node)
        y += node.h + ROW_GAP
    bottom = max(bottom, y)
    y = TOP
    for name in handlers:
        x = (WIDTH - QUEUE_W) // 2
        nodes.append(Node(queue_id(name), "queue", f"{name} queue", x, y, QUEUE_W, QUEUE_H))
        y += QUEUE_H + ROW_GAP
    y += 24
    for name in topics:
        x = (WIDTH - TOPIC_W) // 2
        nodes.append(Node(topic_id(name), "topic", name, x, y, TOPIC_W, TOPIC_H))
        y += TOPIC_H + ROW_GAP
    return nodes, max(bottom, y) + TOP - ROW_GAP


def _grid(names, columns, width, top, make, gap=8):
    """Lays `names` out left to right in rows of `columns`; returns nodes and the next free y."""
    w = (width - gap * (columns + 1)) // columns
    nodes, y, row = [], top, []
    for index, name in enumerate(names):
        node = make(name, gap + (index % columns) * (w + gap), y, w)
        row.append(node)
        if len(row) == columns or index == len(names) - 1:
            y += max(n.h for n in row) + ROW_GAP
            nodes.extend(row)
            row = []
    return nodes, y


def _tall(world, topics: list[str], caption: int = 0) -> tuple[list[Node], int]:
    actors, handlers, listeners = _groups(world)

    def service(name, x, y, w):
        return _service_node(name, x, y, w, handlers, caption)

    def queue(name, x, y, w):
        # The phone's boxes are narrow: the shape and the line under the name say "queue".
        return Node(queue_id(name), "queue", name, x, y, w, QUEUE_H)

    def topic(name, x, y, w):
        return Node(topic_id(name), "topic", name, x, y, w, TOPIC_H)

    # The senders and handlers share one row where they fit, so that no line from a sender to a
    # queue below has to cross another sender's box.
    nodes, y = _grid(actors, max(TALL_COLUMNS, min(len(actors), 4)), TALL_WIDTH, TOP, service)
    more, y = _grid(handlers, TALL_COLUMNS, TALL_WIDTH, y + 10, queue)
    nodes += more
    more, y = _grid(topics, TALL_TOPIC_COLUMNS, TALL_WIDTH, y + 10, topic)
    nodes += more
    more, y = _grid(listeners, TALL_COLUMNS, TALL_WIDTH, y + 10, service)
    nodes += more
    return nodes, y + TOP - ROW_GAP


def _input_routes(world, inputs) -> list[tuple[str, str, str]]:
    """(kind, sender, topic or handler) for what a scenario's own inputs send and publish."""
    routes = []
    for item in inputs:
        sender = item.get("from") or world.default_sender
        if sender not in world.services:
            continue
        if item.get("action") == "publish":
            routes.append(("publish", sender, world.topic_of(str(item.get("name")))))
        elif item.get("action") == "send":
            spec = world.commands.get(str(item.get("name")))
            handler = item.get("to") or (spec.handler if spec else None)
            if handler in _handlers(world):
                routes.append(("send", sender, handler))
    return routes


def layout(
    world, shape: str = "wide", inputs=(), caption: int = 0, own_names: bool = True
) -> Diagram:
    """Positions for every service, command queue, topic and route of `world`, with the routes
    that a scenario's `inputs` use besides; `caption` adds a band of that height to each
    service's box; `own_names` says whether the page lets the learner publish names of their
    own."""
    topics = _topics(world, inputs, own_names)
    if shape == "wide":
        nodes, height = _wide(world, topics, caption)
    else:
        nodes, height = _tall(world, topics, caption)
    width = WIDTH if shape == "wide" else TALL_WIDTH
    by_id = {node.id: node for node in nodes}
    handlers = _handlers(world)
    edges: list[Edge] = []
    for sender, command in command_senders(world):
        spec = world.commands.get(command)
        if spec is None:
            continue
        edge = _edge(by_id[service_id(sender)], by_id[queue_id(spec.handler)], "send")
        if edge not in edges:
            edges.append(edge)
        reply = _reply(by_id[service_id(spec.handler)], by_id[service_id(sender)], shape)
        if reply is not None and reply not in edges:
            edges.append(reply)
    for handler in handlers:
        edges.append(_edge(by_id[queue_id(handler)], by_id[service_id(handler)], "endpoint"))
    publishes = [(spec.publisher, spec.topic) for spec in world.events.values() if spec.publisher]
    for kind, sender, where in _input_routes(world, inputs):
        if kind == "publish":
            publishes.append((sender, where))
        else:
            edge = _edge(by_id[service_id(sender)], by_id[queue_id(where)], "send")
            if edge not in edges:
                edges.append(edge)
    for publisher, topic in dict.fromkeys(publishes):
        edges.append(_edge(by_id[service_id(publisher)], by_id[topic_id(topic)], "publish"))
    for topic, subscribers in world.topics.items():
        for subscriber in subscribers:
            edges.append(
                _edge(by_id[topic_id(topic)], by_id[service_id(subscriber)], "subscription")
            )
    for service in world.services:
        for topic in world.topics_wanted_by(service):
            if service not in world.topics[topic]:
                edge = _edge(by_id[topic_id(topic)], by_id[service_id(service)], "subscription")
                edges.append(Edge(edge.source, edge.target, edge.kind, edge.path, later=True))
    return Diagram(shape, width, height, tuple(nodes), tuple(edges))


def layouts(world, inputs=(), caption: int = 0, own_names: bool = True) -> tuple[Diagram, Diagram]:
    """Both drawings of `world`: the page shows the one that fits the screen."""
    return (
        layout(world, "wide", inputs, caption, own_names),
        layout(world, "tall", inputs, caption, own_names),
    )


def _edge(source: Node, target: Node, kind: str) -> Edge:
    """A straight line between the facing sides of two boxes."""
    apart_x = max(target.x - (source.x + source.w), source.x - (target.x + target.w))
    apart_y = max(target.y - (source.y + source.h), source.y - (target.y + target.h))
    if apart_x >= apart_y:
        if target.cx < source.cx:
            x1, x2 = source.x, target.x + target.w
        else:
            x1, x2 = source.x + source.w, target.x
        y1, y2 = source.cy, target.cy
    else:
        if target.cy < source.cy:
            y1, y2 = source.y, target.y + target.h
        else:
            y1, y2 = source.y + source.h, target.y
        x1, x2 = source.cx, target.cx
    return Edge(source.id, target.id, kind, f"M{x1},{y1} L{x2},{y2}")


def _reply(source: Node, target: Node, shape: str) -> Edge | None:
    """A dashed curve back from a handler to the service that sent it a command, bowed out of
    the way of the boxes between them."""
    if source.id == target.id:
        return None
    if shape == "wide" or source.cx == target.cx:
        # Both stand in the same column: the curve bows out to the left margin.
        x1, x2 = source.x, target.x
        y1, y2 = source.cy, target.cy
        bow = max(4, min(x1, x2) - 12 - abs(y2 - y1) // 8)
        return Edge(source.id, target.id, "reply", f"M{x1},{y1} C{bow},{y1} {bow},{y2} {x2},{y2}")
    # Side by side in one row (or in two rows of a grid): the curve bows over their tops.
    x1, y1 = source.cx, source.y
    x2, y2 = target.cx, target.y
    top = max(2, min(y1, y2) - 12)
    return Edge(source.id, target.id, "reply", f"M{x1},{y1} C{x1},{top} {x2},{top} {x2},{y2}")


# Past these, a diagram is too tall to read beside the controls: a larger world (a learner's own
# system) is drawn in part, and the page says so. The order flow has 11 services and 5 topics.
MAX_DRAWN_SERVICES = 16
MAX_DRAWN_TOPICS = 10


def drawable(world) -> tuple[object, str]:
    """`world`, or the first part of it that fits a readable diagram, with a sentence saying
    what was left out ("" when nothing was)."""
    services = list(world.services)
    topics = [t for t in world.topics if t != world.default_topic or world.topics[t]]
    if len(services) <= MAX_DRAWN_SERVICES and len(topics) <= MAX_DRAWN_TOPICS:
        return world, ""
    kept = services[:MAX_DRAWN_SERVICES]
    if world.default_sender not in kept:
        kept[-1] = world.default_sender
    kept_topics = topics[:MAX_DRAWN_TOPICS]
    data = world.to_data()
    events = {
        name: spec
        for name, spec in data.get("events", {}).items()
        if spec.get("topic", world.default_topic) in kept_topics
        and spec.get("publisher") in (None, *kept)
    }
    commands = {
        name: spec for name, spec in data.get("commands", {}).items() if spec["handler"] in kept
    }
    known = set(events) | set(commands)
    rules = []
    for rule in data.get("rules", []):
        if rule.get("service") in kept and rule.get("on") in (*known, "*"):
            then = [e for e in rule.get("then", []) if set(e.values()) <= known]
            rules.append({"service": rule["service"], "on": rule["on"], "then": then})
    part = World.from_data(
        {
            "name": world.name,
            "default_sender": world.default_sender,
            "default_topic": world.default_topic,
            "services": {name: data["services"][name] for name in kept},
            "topics": {t: [s for s in world.topics[t] if s in kept] for t in kept_topics},
            "events": events,
            "commands": commands,
            "rules": rules,
        }
    )
    note = (
        f"The diagram shows the first {len(kept)} of {len(services)} services and"
        f" {len(kept_topics)} of {len(topics)} topics, so that it stays readable; the controls"
        " and the log have them all."
    )
    return part, note
