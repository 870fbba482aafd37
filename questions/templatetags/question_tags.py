"""The asker's own questions for "Mijn inzendingen", a lessons page (that app does not import this one)."""

from django import template

from questions.models import Question

register = template.Library()


@register.simple_tag
def my_questions(user):
    """`user`'s questions, newest first, with the answer only when `user` may see it now."""
    if not user.is_authenticated:
        return []
    questions = list(
        Question.objects.filter(asker=user)
        .select_related("answer_card", "answer_lesson")
        .order_by("-created_at")
    )
    for question in questions:
        item = question.answer
        # An answer withdrawn since, or still a draft, is not shown (nor linked).
        question.shown_answer = item if item is not None and item.is_published else None
    return questions
