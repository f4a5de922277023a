"""Sandboxes take the ownership every learner's row has (learners.models.LearnerOwned).

The `owner` text (`user:<pk>` or `learner:<key>`) becomes the `user` and `session_key` fields,
and every existing sandbox plays the simulator's own world. A row whose owner names no existing
account, or that no learner could own, is unreachable and is dropped. Going back writes the
text again from the fields.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q


def owner_to_fields(apps, schema_editor):
    Sandbox = apps.get_model("simulator", "Sandbox")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    users = set(User.objects.values_list("pk", flat=True))
    unreachable = []
    for sandbox in Sandbox.objects.only("pk", "owner").iterator():
        kind, _, value = sandbox.owner.partition(":")
        if kind == "user" and value.isdigit() and int(value) in users:
            Sandbox.objects.filter(pk=sandbox.pk).update(user_id=int(value), session_key="")
        elif kind == "learner" and value and len(value) <= 64:
            Sandbox.objects.filter(pk=sandbox.pk).update(user_id=None, session_key=value)
        else:
            unreachable.append(sandbox.pk)
    Sandbox.objects.filter(pk__in=unreachable).delete()


def fields_to_owner(apps, schema_editor):
    Sandbox = apps.get_model("simulator", "Sandbox")
    # The old text names one sandbox per learner: only the simulator's own world fits in it.
    Sandbox.objects.exclude(world="").delete()
    for sandbox in Sandbox.objects.only("pk", "user_id", "session_key").iterator():
        if sandbox.user_id is not None:
            owner = f"user:{sandbox.user_id}"
        else:
            owner = f"learner:{sandbox.session_key}"
        Sandbox.objects.filter(pk=sandbox.pk).update(owner=owner)


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("simulator", "0002_sandbox_prediction"),
    ]

    operations = [
        migrations.AddField(
            model_name="sandbox",
            name="user",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.CASCADE,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="sandbox",
            name="session_key",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="sandbox",
            name="world",
            field=models.CharField(blank=True, default="", max_length=120),
        ),
        # Not unique while the rows move: going back, every row has the same empty text until
        # fields_to_owner has written it.
        migrations.AlterField(
            model_name="sandbox",
            name="owner",
            field=models.CharField(blank=True, default="", max_length=80),
        ),
        migrations.RunPython(owner_to_fields, fields_to_owner),
        migrations.RemoveField(model_name="sandbox", name="owner"),
        migrations.AlterModelOptions(name="sandbox", options={"verbose_name_plural": "sandboxes"}),
        migrations.AddConstraint(
            model_name="sandbox",
            constraint=models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(session_key=""))
                | (Q(user__isnull=True) & ~Q(session_key="")),
                name="sandbox_one_learner",
            ),
        ),
        migrations.AddConstraint(
            model_name="sandbox",
            constraint=models.UniqueConstraint(
                condition=Q(user__isnull=False),
                fields=("user", "world"),
                name="sandbox_unique_user_world",
            ),
        ),
        migrations.AddConstraint(
            model_name="sandbox",
            constraint=models.UniqueConstraint(
                condition=Q(user__isnull=True),
                fields=("session_key", "world"),
                name="sandbox_unique_session_world",
            ),
        ),
    ]
