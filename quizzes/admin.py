from django.contrib import admin

from quizzes.models import Answer, Attempt


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ("question_id", "response", "correct", "answered_at")
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("quiz_slug", "user", "session_key", "started_at", "finished_at")
    list_filter = ("quiz_slug",)
    readonly_fields = ("token", "seed")
    inlines = [AnswerInline]
