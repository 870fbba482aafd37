"""The select boxes of a list's filter form, as a tag rather than template loops.

Every card and lesson list shows five of them with some twenty options; looked
up option by option in the template engine, they cost an uncached list page
about as much as its twenty items. As with the facets (`search_tags`), the
markup is built with the standard library's escaping and is the HTML the
template made; the choices come from `dealkennis.filters.ItemFilters.groups`.
"""

from django import template
from django.utils.safestring import mark_safe

from dealkennis.templatetags.item_tags import escaped

register = template.Library()


@register.simple_tag
def filter_groups(filters):
    """One labelled select box per filter, with the reader's current choice selected."""
    boxes = []
    for group in filters.groups():
        name = escaped(group["name"])
        options = "".join(
            f'<option value="{escaped(value)}"{" selected" if selected else ""}>{escaped(label)}</option>'
            for value, label, selected in group["options"]
        )
        boxes.append(
            '\n  <div class="utrecht-form-field filter-field">\n'
            f'    <label class="utrecht-form-label" for="filter-{name}">{escaped(group["label"])}</label>\n'
            '    <select class="utrecht-select utrecht-select--html-select"'
            f' id="filter-{name}" name="{name}">\n'
            f'      <option value="">{escaped(group["all_label"])}</option>\n'
            f"      {options}\n    </select>\n  </div>\n  "
        )
    return mark_safe("".join(boxes))  # noqa: S308 - every value is escaped above
