"""The OpenAPI 3.1 document of the JSON API, served at /api/openapi.json.

Built in code so that the enums follow dealkennis.classification. The schemas
are strict (every property required, no others allowed): tests validate real
responses against them, so the document cannot drift from what the API returns.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from dealkennis.classification import VOCABULARIES
from dealkennis.filters import FILTER_NAMES
from lessons.models import SourceKind

SCHEMA_PREFIX = "#/components/schemas/"


def ref(name):
    return {"$ref": SCHEMA_PREFIX + name}


def strict(properties, description=None):
    """An object schema that has exactly these properties."""
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


STRING = {"type": "string"}
INTEGER = {"type": "integer", "minimum": 0}
BOOLEAN = {"type": "boolean"}
URL = {"type": "string", "format": "uri"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
STRINGS = {"type": "array", "items": STRING}


def _code_schema(name):
    return {"type": "string", "enum": list(VOCABULARIES[name].values)}


def schemas():
    item_properties = {
        "type": {"type": "string", "enum": ["card", "lesson"]},
        "slug": STRING,
        "title": STRING,
        "summary": STRING,
        "visibility": {
            "type": "string",
            "enum": ["public", "internal"],
            "description": _("“internal” komt alleen voor bij ingelogde gebruikers."),
        },
        "url": {**URL, "description": _("De pagina van het item op de site.")},
        "api_url": URL,
        "programme": ref("Ref"),
        "deal": nullable(ref("Ref")),
        "classification": ref("Classification"),
        "tags": STRINGS,
        "updated_at": DATE_TIME,
    }
    page = strict(
        {
            "number": {"type": "integer", "minimum": 1},
            "pages": INTEGER,
            "size": {"type": "integer", "minimum": 1},
            "next": nullable(URL),
            "previous": nullable(URL),
        }
    )
    item_list = strict(
        {
            "count": INTEGER,
            "filters": {
                "type": "object",
                "properties": {name: STRING for name in FILTER_NAMES},
                "additionalProperties": False,
                "description": _("De filters die zijn toegepast."),
            },
            "notices": {**STRINGS, "description": _("Genegeerde filterwaarden en andere meldingen.")},
            "page": ref("Page"),
            "results": {"type": "array", "items": ref("Item")},
        }
    )
    return {
        "Ref": strict({"slug": STRING, "name": STRING}),
        "Classification": strict(
            {
                name: strict({"code": _code_schema(name), "label": STRING})
                for name in VOCABULARIES  # stream, mode, order, level
            }
        ),
        "Item": strict(item_properties),
        "Card": strict(
            {
                **item_properties,
                "type": {"const": "card"},
                "question": STRING,
                "answer": STRING,
                "body_html": {**STRING, "description": _("Gezuiverde HTML.")},
                "learn_more_html": {**STRING, "description": _("Gezuiverde HTML.")},
                "source": STRING,
                "awaiting_check": BOOLEAN,
                "last_checked": nullable(DATE),
                "review_due": nullable(DATE),
                "lessons": {**STRINGS, "description": _("Slugs van de zichtbare lessen achter deze kaart.")},
            }
        ),
        "Lesson": strict(
            {
                **item_properties,
                "type": {"const": "lesson"},
                "body_html": {**STRING, "description": _("Gezuiverde HTML.")},
                "insight": STRING,
                "reflection": STRING,
                "change": STRING,
                "takeaway": STRING,
                "source_kind": strict(
                    {"code": {"type": "string", "enum": list(SourceKind.values)}, "label": STRING}
                ),
                "source": STRING,
                "cards": {**STRINGS, "description": _("Slugs van de zichtbare kaarten bij deze les.")},
            }
        ),
        "Page": page,
        "ItemList": item_list,
        "Deal": strict(
            {
                "slug": STRING,
                "name": STRING,
                "partners": STRING,
                "signed_on": nullable(DATE),
                "ended_on": nullable(DATE),
                "description": STRING,
            }
        ),
        "Programme": strict(
            {
                "slug": STRING,
                "name": STRING,
                "ministries": STRING,
                "description": STRING,
                "url": URL,
                "api_url": URL,
                "deals": {"type": "array", "items": ref("Deal")},
                "counts": strict(
                    {"cards": INTEGER, "lessons": INTEGER},
                    _("Aantal kaarten en lessen dat de vrager mag zien."),
                ),
                "cards_api_url": URL,
                "lessons_api_url": URL,
            }
        ),
        "ProgrammeList": strict({"results": {"type": "array", "items": ref("Programme")}}),
        "Error": strict({"error": STRING}),
        "SearchResult": strict(
            {
                "rank": {"type": "integer", "minimum": 1},
                "type": {"type": "string", "enum": ["card", "lesson"]},
                "title": STRING,
                "url": URL,
                "programme": ref("Ref"),
                "classification": ref("Classification"),
                "snippet": {**STRING, "description": _("HTML; treffers staan in <mark>.")},
                "found_by": {
                    "type": "string",
                    "enum": ["words", "meaning"],
                    "description": _(
                        "“meaning”: gevonden op betekenis, niet op de woorden van de zoekvraag."
                    ),
                },
            }
        ),
        "Search": strict(
            {
                "query": STRING,
                "filters": {
                    "type": "object",
                    "properties": {name: STRING for name in (*FILTER_NAMES, "type")},
                    "additionalProperties": False,
                },
                "sort": {"type": "string", "enum": ["relevance", "date"]},
                "total": INTEGER,
                "estimated": {
                    **BOOLEAN,
                    "description": _(
                        "Of het totaal en de aantallen per facet geschat zijn uit de nieuwste items "
                        "(bij heel veel resultaten); anders zijn ze exact."
                    ),
                },
                "by_meaning": {
                    **INTEGER,
                    "description": _(
                        "Hoeveel van de resultaten alleen op betekenis zijn gevonden; dan zijn het de beste "
                        "treffers, niet alles wat een woord bevat."
                    ),
                },
                "fuzzy": BOOLEAN,
                "widened": BOOLEAN,
                "suggestion": nullable(STRING),
                "notices": STRINGS,
                "page": ref("Page"),
                "results": {"type": "array", "items": ref("SearchResult")},
                "facets": {
                    "type": "object",
                    "properties": {
                        name: {
                            "type": "array",
                            "items": strict({"value": STRING, "count": INTEGER}),
                        }
                        for name in ("type", *FILTER_NAMES)
                    },
                    "additionalProperties": False,
                },
            }
        ),
    }


def _query(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _known_or_ignored(known):
    """Any string is accepted: a known value is used, any other is ignored and reported in "notices"."""
    return {"anyOf": [known, STRING]}


def _filter_parameters():
    return [
        _query("programme", STRING, _("Slug van een programma.")),
        *(
            _query(
                name,
                _known_or_ignored(_code_schema(name)),
                _("Code uit het vaste vocabulaire (zie de enum); een andere waarde wordt genegeerd."),
            )
            for name in VOCABULARIES
        ),
        _query("tag", STRING, _("Naam van een tag (hoofdletters maken niet uit).")),
        _query(
            "page",
            _known_or_ignored({"type": "integer", "minimum": 1}),
            _("Paginanummer; bij een nummer dat niet bestaat komt de dichtstbijzijnde pagina."),
        ),
    ]


SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True, "schema": STRING}


def _json_content(schema_name):
    return {"application/json": {"schema": ref(schema_name)}}


def _ok(schema_name, description):
    return {"description": description, "content": _json_content(schema_name)}


def _operation(operation_id, summary, schema_name, parameters=(), not_found=None):
    operation = {
        "operationId": operation_id,
        "summary": summary,
        "parameters": list(parameters),
        "responses": {
            "200": _ok(schema_name, _("Gelukt.")),
            "503": {
                "description": _(
                    "De database is even niet beschikbaar. Probeer het over een halve minuut opnieuw."
                ),
                "content": _json_content("Error"),
            },
        },
    }
    if not_found:
        operation["responses"]["404"] = {"description": not_found, "content": _json_content("Error")}
    return operation


def document(request):
    ignored = _("Onbekende filterwaarden worden genegeerd en staan dan in “notices”.")
    invisible = _("Onbekend, of niet zichtbaar voor deze gebruiker.")
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": _("Dealkennis API"),
            "version": "1.0.0",
            "description": _(
                "Alleen-lezen toegang tot de inspiratiekaarten, lessen en programma's van Dealkennis. "
                "Anonieme gebruikers zien gepubliceerde openbare items; ingelogde gebruikers (sessie) "
                "ook de interne. Lijsten hebben %(size)s items per pagina."
            )
            % {"size": settings.PAGE_SIZE},
        },
        "servers": [{"url": request.build_absolute_uri("/").rstrip("/")}],
        "paths": {
            "/api/kaarten/": {
                "get": {
                    **_operation("listCards", _("Inspiratiekaarten"), "ItemList", _filter_parameters()),
                    "description": ignored,
                }
            },
            "/api/kaarten/{slug}/": {
                "get": _operation("getCard", _("Eén inspiratiekaart"), "Card", [SLUG_PARAMETER], invisible)
            },
            "/api/lessen/": {
                "get": {
                    **_operation("listLessons", _("Lessen"), "ItemList", _filter_parameters()),
                    "description": ignored,
                }
            },
            "/api/lessen/{slug}/": {
                "get": _operation("getLesson", _("Eén les"), "Lesson", [SLUG_PARAMETER], invisible)
            },
            "/api/programmas/": {
                "get": _operation("listProgrammes", _("Programma's met hun deals"), "ProgrammeList")
            },
            "/api/programmas/{slug}/": {
                "get": _operation(
                    "getProgramme",
                    _("Eén programma met zijn deals"),
                    "Programme",
                    [SLUG_PARAMETER],
                    _("Onbekend programma."),
                )
            },
            "/api/zoeken/": {
                "get": {
                    **_operation(
                        "search",
                        _("Zoeken in kaarten en lessen samen"),
                        "Search",
                        [
                            _query("q", STRING, _("Zoekvraag (websearch-syntaxis).")),
                            _query(
                                "type",
                                _known_or_ignored({"type": "string", "enum": ["card", "lesson"]}),
                                _("Alleen kaarten of alleen lessen; een andere waarde wordt genegeerd."),
                            ),
                            _query(
                                "sort",
                                {
                                    **_known_or_ignored({"type": "string", "enum": ["relevance", "date"]}),
                                    "default": "relevance",
                                },
                                _("Volgorde; bij een andere waarde: op relevantie."),
                            ),
                            *_filter_parameters(),
                        ],
                    ),
                    "description": ignored,
                }
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": _("Dit document"),
                    "responses": {
                        "200": {
                            "description": _("Gelukt."),
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": schemas()},
    }
