"""The picture of a world: where each service, queue and topic is drawn, and every route between
them. Plain Python that reads a world and nothing else, so the simulator's page and the
classroom's projector draw the same diagram without one app importing the other."""

from diagram.layout import (
    Diagram,
    drawable,
    layout,
    layouts,
    queue_id,
    service_id,
    topic_id,
)

__all__ = ["Diagram", "drawable", "layout", "layouts", "queue_id", "service_id", "topic_id"]
