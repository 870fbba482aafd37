"""Template filters: form controls with their error wiring, and durations in minutes."""

from django import forms, template

register = template.Library()

# The NL Design System (Utrecht) class for each kind of form control.
WIDGET_CLASSES = [
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.widgets.Input, "utrecht-textbox utrecht-textbox--html-input"),
]


@register.filter
def as_control(bound_field):
    """Render a form field's widget with the design system's class, and mark it invalid."""
    widget = bound_field.field.widget
    css_class = next((name for kind, name in WIDGET_CLASSES if isinstance(widget, kind)), "")
    attrs = {"class": css_class}
    if bound_field.errors:
        attrs["class"] += " utrecht-textbox--invalid utrecht-select--invalid utrecht-textarea--invalid"
        attrs["aria-invalid"] = "true"
        described = [f"{bound_field.auto_id}_error"]
        if bound_field.help_text:
            described.append(f"{bound_field.auto_id}_helptext")
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, for messages such as the sign-in lockout."""
    return max(1, round(duration.total_seconds() / 60)) if duration else ""
