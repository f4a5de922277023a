from django.conf import settings
from django.db import models


class Room(models.Model):
    """A live class. Its truth is its log (`RoomRecord`); `state` is the log folded up to
    `last_seq`, kept so that a process meeting the room for the first time need not replay it all.
    """

    code = models.CharField(max_length=12, unique=True)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rooms"
    )
    title = models.CharField(max_length=80, blank=True)
    scenario = models.CharField(max_length=40)
    is_open = models.BooleanField(default=True)
    last_seq = models.PositiveIntegerField(default=0)
    state = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"room {self.code} ({'open' if self.is_open else 'closed'})"


class RoomRecord(models.Model):
    """One fact in a room's life, in the order it happened."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="records")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=30)
    data = models.JSONField()

    class Meta:
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="one_record_per_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.room.code} #{self.seq} {self.type}"
