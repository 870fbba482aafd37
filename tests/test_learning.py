import pytest

pytestmark = pytest.mark.django_db


def matrix_cells(response):
    matrix = response.context["matrix"]
    for row in matrix["orders"]:
        yield from row["cells"]
    for stream in matrix["streams"]:
        yield from stream["cells"]


def test_learning_page_explains_streams_orders_and_levels(client):
    content = client.get("/leren/").content.decode()
    for text in [
        "Cognitief",
        "Gedrag",
        "Relationeel",
        "Creërend",
        "Sociaal",
        "Doen we de dingen goed?",
        "Doen we de goede dingen?",
        "Is het systeem hierop toegerust?",
        "Taakniveau",
        "Samenwerkingsniveau",
        "Ervaringsleren",
        "Doelbewust leren",
    ]:
        assert text in content


def test_learning_counts_hide_internal_items_from_anonymous(client, member_client, make_lesson):
    make_lesson(order="third", level="task", visibility="internal")
    make_lesson(order="third", level="task")

    def third_task(response):
        return response.context["matrix"]["orders"][2]["cells"][0]["count"]

    assert third_task(client.get("/leren/")) == 1
    assert third_task(member_client.get("/leren/")) == 2


def test_unknown_programme_on_learning_page_is_explained(client):
    response = client.get("/leren/", {"programme": "bestaat-niet"})
    assert response.status_code == 200
    assert "bestaat niet" in response.content.decode()


def test_classification_labels_link_to_their_explanation(client, make_card):
    card = make_card(stream="relational", order="second")
    content = client.get(card.get_absolute_url()).content.decode()
    assert '/leren/#stroming-relational"' in content
    assert '/leren/#orde-second"' in content
    learning = client.get("/leren/").content.decode()
    assert 'id="stroming-relational"' in learning
    assert 'id="orde-second"' in learning
