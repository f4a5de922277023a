"""The designer: one form for the system and one row per message route.

The same forms serve three pages: an imported document's mapping (to correct what was
assumed), a design started from scratch, and the worked example. Every field is checked
against the engine's own rules for names, so whatever the form accepts is a valid world.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from .design import (
    CHANNEL_NAME,
    DELIVERIES,
    MAX_RECEIVERS,
    MESSAGE_NAME,
    QUEUE,
    SERVICE_NAME,
    TOPIC,
    Design,
    Route,
)

MAX_ROWS = 100
EXTRA_ROWS = 3


def _service(value: str, field: str) -> str:
    value = " ".join(value.split())
    if not SERVICE_NAME.match(value):
        raise ValidationError(
            f"{field}: an application's name starts with a letter and has at most 60 letters,"
            " digits, spaces, dots, dashes or underscores."
        )
    return value


class SystemForm(forms.Form):
    title = forms.CharField(max_length=200, initial="My system")
    application = forms.CharField(
        max_length=60,
        label="Your application",
        help_text="The application the document speaks for; the export is written from its side.",
    )
    assumptions = forms.CharField(required=False, max_length=50_000, widget=forms.HiddenInput)

    def clean_application(self):
        return _service(self.cleaned_data["application"], "Your application")


class RouteForm(forms.Form):
    message = forms.CharField(max_length=200)
    channel = forms.CharField(max_length=200)
    delivery = forms.ChoiceField(
        choices=(
            (TOPIC, "topic: every subscriber gets it"),
            (QUEUE, "queue: one receiver takes it"),
        ),
        initial=TOPIC,
    )
    sender = forms.CharField(max_length=60)
    receivers = forms.CharField(
        max_length=1_300,
        help_text="Separate names with commas.",
        error_messages={"required": "Name at least one receiver."},
    )
    reply_to = forms.CharField(max_length=200, required=False, label="Reply to")
    address = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)

    def clean_message(self):
        value = self.cleaned_data["message"].strip()
        if not MESSAGE_NAME.match(value):
            raise ValidationError(
                "A message name has letters, digits, dots, dashes or underscores, no spaces."
            )
        return value

    def clean_channel(self):
        value = self.cleaned_data["channel"].strip()
        if not CHANNEL_NAME.match(value):
            raise ValidationError(
                "A channel name has letters, digits, dots, dashes or underscores, no spaces."
            )
        return value

    def clean_sender(self):
        return _service(self.cleaned_data["sender"], "Sender")

    def clean_receivers(self):
        names = [
            n for n in (part.strip() for part in self.cleaned_data["receivers"].split(",")) if n
        ]
        if not names:
            raise ValidationError("Name at least one receiver.")
        if len(names) > MAX_RECEIVERS:
            raise ValidationError(f"At most {MAX_RECEIVERS} receivers.")
        cleaned = [_service(name, "Receiver") for name in names]
        if len(set(cleaned)) != len(cleaned):
            raise ValidationError("A receiver is named twice.")
        return tuple(cleaned)

    def clean_reply_to(self):
        value = self.cleaned_data.get("reply_to", "").strip()
        if value and not MESSAGE_NAME.match(value):
            raise ValidationError("Name the message this one answers, or leave it empty.")
        return value or None


class BaseRouteFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not self._deleted(f)]
        names = {row["message"] for row in rows}
        for row in rows:
            reply_to = row.get("reply_to")
            if reply_to and reply_to not in names:
                raise ValidationError(
                    f"{row['message']} replies to {reply_to}, which is not in the system."
                )
            if reply_to == row["message"]:
                raise ValidationError(f"{row['message']} cannot be the reply to itself.")
        channels: dict[str, str] = {}
        for row in rows:
            if row.get("reply_to"):
                continue
            seen = channels.setdefault(row["channel"], row["delivery"])
            if seen != row["delivery"]:
                raise ValidationError(
                    f"Channel {row['channel']} is both a topic and a queue;"
                    " pick one for all its rows."
                )

    def _deleted(self, form) -> bool:
        return self.can_delete and form.cleaned_data.get("DELETE", False)


RouteFormSet = forms.formset_factory(
    RouteForm,
    formset=BaseRouteFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS + EXTRA_ROWS,
    validate_max=True,
)


def initial_forms(design: Design, *, prefix: str = "routes") -> tuple[SystemForm, RouteFormSet]:
    system = SystemForm(
        initial={
            "title": design.title,
            "application": design.application,
            "assumptions": "\n".join(design.assumptions),
        }
    )
    rows = [
        {
            "message": r.message,
            "channel": r.channel,
            "delivery": r.delivery,
            "sender": r.sender,
            "receivers": ", ".join(r.receivers),
            "reply_to": r.reply_to or "",
            "address": r.address or "",
        }
        for r in design.routes[:MAX_ROWS]
    ]
    return system, RouteFormSet(initial=rows, prefix=prefix)


def bound_forms(data, *, prefix: str = "routes") -> tuple[SystemForm, RouteFormSet]:
    return SystemForm(data), RouteFormSet(data, prefix=prefix)


def design_from(system: SystemForm, routes: RouteFormSet) -> Design:
    """The design the valid forms describe."""
    data = system.cleaned_data
    assumptions = [line for line in data.get("assumptions", "").splitlines() if line.strip()]
    design = Design(title=data["title"], application=data["application"], assumptions=assumptions)
    for form in routes.forms:
        row = form.cleaned_data
        if not row or row.get("DELETE"):
            continue
        design.routes.append(
            Route(
                message=row["message"],
                channel=row["channel"],
                delivery=row["delivery"] if row["delivery"] in DELIVERIES else TOPIC,
                sender=row["sender"],
                receivers=row["receivers"],
                reply_to=row.get("reply_to"),
                address=row.get("address") or None,
            )
        )
    return design
