"""The demo's fictional colleagues: the role matrix over them counts what its links list."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_role_matrix_counts_equal_what_their_links_list(demo_content, db, member_client):
    page = member_client.get("/mensen/rollen/").content.decode()
    cells = re.findall(r'href="(/mensen/\?rol=[^"]+)">(\d+) collega', page)

    assert cells
    for url, count in cells:
        listed = member_client.get(url.replace("&amp;", "&")).content.decode()
        assert f"{count} collega" in listed
        assert listed.count('class="profile-summary"') == int(count)
    # The demo leaves gaps on purpose, and the matrix says so.
    assert "Niemand bekend" in page
