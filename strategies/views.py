"""The strategy pages, under /leerstrategieen/: the list and one strategy, printable."""

from django.shortcuts import get_object_or_404, render
from reversion.models import Version

from dealkennis import framework
from dealkennis.caching import ContentVersion
from dealkennis.classification import ORDER_QUESTIONS, Mode, Stream
from strategies.examples import examples
from strategies.models import LearningStrategy, cell_code

HISTORY_SIZE = 20


def strategy_list(request):
    strategies = list(
        LearningStrategy.objects.previewable_by(request.user).select_related("programme", "deal").in_order()
    )
    return render(request, "strategies/strategy_list.html", {"strategies": strategies})


def strategy_detail(request, slug):
    strategy = get_object_or_404(
        LearningStrategy.objects.previewable_by(request.user).select_related("programme", "deal"), slug=slug
    )
    return render(
        request,
        "strategies/strategy_detail.html",
        {
            "strategy": strategy,
            **chosen_with_examples(strategy, request.user),
            # Who changed what names colleagues: for signed-in readers only.
            "history": history(strategy) if request.user.is_authenticated else None,
        },
    )


def chosen_with_examples(strategy, user):
    """The strategy's choices explained, each with the cards and lessons `user` may see that show it."""
    axes = {"streams": strategy.streams, "modes": strategy.modes, "cells": strategy.cells}
    chosen = {axis: codes for axis, codes in axes.items() if codes}
    visible = lambda model: model.objects.visible_to(user)  # noqa: E731
    # A window over every visible item per axis: cached per content version and audience.
    found = (
        ContentVersion.cached(
            "strategy-examples",
            user,
            [strategy.programme_id, chosen],
            lambda: examples(visible, strategy.programme, chosen),
        )
        if chosen
        else {}
    )
    streams = []
    for code in strategy.streams:
        stream = Stream(code)
        texts = framework.STREAMS[stream]
        streams.append({"code": code, "label": stream.label, "core": texts["core"], "text": texts["network"]})
    modes = [
        {"code": code, "label": Mode(code).label, "text": framework.MODES[Mode(code)]}
        for code in strategy.modes
    ]
    cells = [
        {
            "code": cell_code(order, level),
            "order": order,
            "level": level,
            "question": ORDER_QUESTIONS[order],
            "text": framework.CELLS[order, level],
        }
        for order, level in strategy.chosen_cells()
    ]
    for axis, choices in (("streams", streams), ("modes", modes), ("cells", cells)):
        for choice in choices:
            choice["examples"] = found.get((axis, choice["code"]), [])
    return {"streams": streams, "modes": modes, "cells": cells}


def history(strategy):
    """The newest saves of `strategy`: when, by whom, and what changed (the admin's change message)."""
    versions = (
        Version.objects.get_for_object(strategy)
        .select_related("revision__user")
        .order_by("-revision__date_created")[:HISTORY_SIZE]
    )
    return [
        {
            "when": version.revision.date_created,
            "who": (version.revision.user.get_full_name() or version.revision.user.get_username())
            if version.revision.user
            else "",
            "what": version.revision.get_comment(),
        }
        for version in versions
    ]
