"""Imports that cannot hurt: the workflow rule, uploads, big and hostile files, history, Dutch errors."""

import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
import tablib
from django.core.cache import caches
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from cards.resources import CardResource
from dealkennis.caching import ContentVersion
from dealkennis.models import SearchWord
from dealkennis.resources import neutralise_formula, restore_formula
from dealkennis.roles import COORDINATOR, EDITOR
from lessons.models import Lesson
from lessons.resources import LessonResource
from tests.test_coordinators import staff_client
from tests.test_workflow_paths import COORDINATOR_STEPS, STATUSES

pytestmark = pytest.mark.django_db

FORMATS = {"csv": "0", "xlsx": "1", "json": "2"}


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "uploads"
    return settings.IMPORT_UPLOAD_DIR


def lesson_row(programme_, **values):
    row = {
        "slug": "les",
        "title": "Een les",
        "summary": "Kort.",
        "body": "Wat er gebeurde.",
        "programme": programme_.slug,
        "stream": "social",
        "mode": "experiential",
        "order": "first",
        "level": "task",
        "status": "draft",
        "visibility": "internal",
        "source": "Workshop",
        "tags": "samenwerking",
    }
    row.update(values)
    return row


def dataset(rows):
    data = tablib.Dataset(headers=list(rows[0]))
    for row in rows:
        data.append(list(row.values()))
    return data


def upload(client, data, kind="csv", name=None, model="lessons/lesson"):
    content = {
        "csv": lambda: data.csv.encode(),
        "xlsx": lambda: data.xlsx,
        "json": lambda: data.json.encode(),
    }
    file = io.BytesIO(content[kind]() if isinstance(data, tablib.Dataset) else data)
    file.name = name or f"import.{kind}"
    return client.post(
        f"/admin/{model}/import/", {"resource": "0", "format": FORMATS[kind], "import_file": file}
    )


def confirm(client, preview, model="lessons/lesson"):
    form = preview.context["confirm_form"]
    return client.post(f"/admin/{model}/process_import/", form.initial)


def admin_import(client, data, kind="csv"):
    preview = upload(client, data, kind)
    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is not None, page_errors(preview)
    return confirm(client, preview)


def page_errors(response):
    result = response.context.get("result")
    form = response.context.get("form")
    problems = [str(error.error) for error in result.base_errors] if result else []
    for invalid in result.invalid_rows if result else []:
        problems.extend(f"{invalid.number}: {invalid.error_dict}" for _ in [0])
    for number, errors in result.row_errors() if result else []:
        problems.extend(f"{number}: {error.error}" for error in errors)
    if form is not None and form.errors:
        problems.append(str(form.errors))
    return problems


def text(response):
    return response.content.decode()


# --- 1. The workflow rule on import -----------------------------------------------------------


@pytest.mark.parametrize("status", [" published", "published ", "\tpublished", "published\n"])
def test_editor_cannot_publish_by_import_with_a_padded_status(programme, status):
    client, _ = staff_client(EDITOR, "redacteur")
    response = upload(client, dataset([lesson_row(programme, status=status)]))
    assert response.status_code == 200
    assert "Alleen een coördinator" in text(response)
    assert response.context.get("confirm_form") is None
    assert not Lesson.objects.exists()


def test_editor_import_cannot_withdraw_a_published_item(programme, make_lesson):
    lesson = make_lesson(slug="les")
    client, _ = staff_client(EDITOR, "redacteur")
    response = upload(client, dataset([lesson_row(programme, status="draft", visibility="public")]))
    assert "Alleen een coördinator" in text(response)
    lesson.refresh_from_db()
    assert lesson.status == "published"


def test_editor_import_cannot_change_visibility_of_a_published_item(programme, make_lesson):
    lesson = make_lesson(slug="les", visibility="internal")
    client, _ = staff_client(EDITOR, "redacteur")
    response = upload(client, dataset([lesson_row(programme, status="published", visibility="public")]))
    assert "zichtbaarheid" in text(response)
    lesson.refresh_from_db()
    assert lesson.visibility == "internal"


def test_import_refuses_archived_on_a_new_row_even_for_a_coordinator(programme):
    client, _ = staff_client(COORDINATOR, "coordinator")
    response = upload(client, dataset([lesson_row(programme, status="archived")]))
    assert "niet direct" in text(response)
    assert not Lesson.objects.exists()


def test_a_row_refused_at_confirmation_writes_nothing(programme, make_lesson):
    """The item changed between preview and confirmation: the whole import is refused."""
    client, _ = staff_client(EDITOR, "redacteur")
    rows = [lesson_row(programme, slug="nieuw"), lesson_row(programme, slug="les", status="review")]
    lesson = make_lesson(slug="les", status="draft")
    preview = upload(client, dataset(rows))
    Lesson.objects.filter(pk=lesson.pk).update(status="published")  # a coordinator published it meanwhile
    response = confirm(client, preview)
    assert response.status_code == 302
    assert not Lesson.objects.filter(slug="nieuw").exists()
    assert Lesson.objects.get(pk=lesson.pk).status == "published"


SPELLINGS = st.sampled_from(["{}", " {}", "{} ", "\t{}", "{}\n", "\u00a0{}", "{}\r\n", "UPPER"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    role=st.sampled_from([EDITOR, COORDINATOR]),
    before=st.sampled_from([None, *STATUSES]),
    after=st.sampled_from(STATUSES),
    spelling=SPELLINGS,
    flip_visibility=st.booleans(),
)
def test_workflow_property_no_editor_import_publishes_withdraws_archives_or_exposes(
    programme, role, before, after, spelling, flip_visibility
):
    with transaction.atomic():
        user = _user(role)
        if before is not None:
            Lesson.objects.create(
                **{k: v for k, v in lesson_row(programme, status=before).items() if k not in {"tags"}}
                | {"programme": programme}
            )
        old_visibility = "internal"
        visibility = "public" if flip_visibility else old_visibility
        spelled = after.upper() if spelling == "UPPER" else spelling.format(after)
        row = lesson_row(programme, status=spelled, visibility=visibility)
        result = LessonResource().import_data(dataset([row]), dry_run=False, user=user)
        stored = Lesson.objects.filter(slug="les").values_list("status", "visibility").first()
        ok = not result.has_errors() and not result.has_validation_errors()
        old, new = before or "draft", spelled.strip()
        if role == EDITOR and ok:
            # The safety property itself: nothing reached or left published or
            # archived, and a published item kept its visibility.
            assert stored[0] == old or not {old, stored[0]} & {"published", "archived"}
            if before is not None and "published" in (old, stored[0]):
                assert stored[1] == old_visibility
        # And what is allowed works: the rule's steps, for an editor without the coordinator's ones.
        allowed = new in STATUSES and (new == old or new in COORDINATOR_STEPS[old])
        if role == EDITOR:
            allowed = allowed and (new == old or not {old, new} & {"published", "archived"})
            allowed = allowed and not (before is not None and flip_visibility and "published" in (old, new))
        assert ok == allowed, result.invalid_rows[0].error_dict if result.invalid_rows else result.base_errors
        expected = (new, visibility) if ok else (None if before is None else (before, old_visibility))
        assert stored == expected
        transaction.set_rollback(True)


def _user(role):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(f"u-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


def test_coordinator_imports_published_items_and_they_are_searchable(client, programme):
    coordinator, _ = staff_client(COORDINATOR, "coordinator")
    rows = [lesson_row(programme, status="published", visibility="public", title="Regenwaterbuffers")]
    response = admin_import(coordinator, dataset(rows))
    assert response.status_code == 302
    assert Lesson.objects.get().status == "published"
    assert "Regenwaterbuffers" in text(client.get("/zoeken/?q=regenwaterbuffers"))


# --- 2. XLSX bombs ---------------------------------------------------------------------------------


def xlsx_bomb(path, characters=200_000_000):
    """A valid XLSX whose one cell holds `characters` letters: a few hundred KB packed."""
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0"?><Types xmlns="{package}/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{sheet_type}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            f' xmlns:r="{office}"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{package}/relationships"><Relationship Id="rId1" '
            f'Type="{office}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                b'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
            )
            block = b"a" * 1_000_000
            for _ in range(characters // len(block)):
                sheet.write(block)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return xlsx_bomb(tmp_path_factory.mktemp("bomb") / "bom.xlsx")


def test_xlsx_bomb_is_refused_within_a_second_and_50_mb(bomb):
    """Measured in a fresh process: its peak memory is not hidden by what this one used before."""
    assert bomb.stat().st_size < 1_000_000
    script = textwrap.dedent(
        f"""
        import io, json, resource, sys, time
        import django
        django.setup()
        from import_export.formats.base_formats import CSV, JSON, XLSX
        from django.core.files.uploadedfile import SimpleUploadedFile
        from dealkennis.importing import SafeImportForm
        from lessons.resources import LessonResource
        data = open({str(bomb)!r}, "rb").read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        form = SafeImportForm(
            [CSV, XLSX, JSON], [LessonResource], data={{"resource": "0", "format": "1"}},
            files={{"import_file": SimpleUploadedFile("bom.xlsx", data)}},
        )
        valid = form.is_valid()
        seconds = time.perf_counter() - start
        growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(json.dumps({{"valid": valid, "seconds": seconds, "growth_kb": growth,
                           "errors": form.errors.get("import_file", [])}}))
        """
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dealkennis.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120, check=True
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert not measured["valid"]
    assert "pakt uit tot" in " ".join(measured["errors"])
    assert measured["seconds"] < 1
    assert measured["growth_kb"] < 50 * 1024


def test_admin_and_command_refuse_the_xlsx_bomb_in_dutch(programme, bomb):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    client, _ = staff_client(COORDINATOR, "coordinator")
    response = upload(client, bomb.read_bytes(), kind="xlsx")
    assert response.status_code == 200
    assert "pakt uit tot" in text(response)
    with pytest.raises(CommandError, match="pakt uit tot"):
        call_command("import_items", str(bomb), "--type", "lesson", verbosity=0)


def test_xlsx_with_one_over_long_cell_is_refused_before_parsing(programme, tmp_path):
    client, _ = staff_client(COORDINATOR, "coordinator")
    path = xlsx_bomb(tmp_path / "lang.xlsx", characters=2_000_000)
    response = upload(client, path.read_bytes(), kind="xlsx")
    assert "meer dan 100.000 tekens" in text(response)


def test_a_good_xlsx_file_imports(programme):
    client, _ = staff_client(COORDINATOR, "coordinator")
    response = admin_import(client, dataset([lesson_row(programme)]), kind="xlsx")
    assert response.status_code == 302
    assert Lesson.objects.get().title == "Een les"


# --- 3. Uploads between preview and confirmation ------------------------------------------------


def test_forged_upload_name_cannot_remove_or_read_a_file_outside_our_folder(programme):
    client, _ = staff_client(COORDINATOR, "coordinator")
    victim = Path(tempfile.gettempdir()) / "slachtoffer-import.csv"
    victim.write_text(dataset([lesson_row(programme)]).csv)
    try:
        for name in [victim.name, f"../../{victim.name}", str(victim)]:
            response = client.post(
                "/admin/lessons/lesson/process_import/",
                {"import_file_name": name, "original_file_name": "x.csv", "format": "0", "resource": "0"},
            )
            assert response.status_code == 302
            assert victim.exists()
        assert not Lesson.objects.exists()
    finally:
        victim.unlink(missing_ok=True)


def test_another_users_upload_cannot_be_confirmed_or_removed(programme, upload_dir):
    anne, _ = staff_client(COORDINATOR, "anne")
    bert, _ = staff_client(COORDINATOR, "bert")
    preview = upload(anne, dataset([lesson_row(programme)]))
    name = preview.context["confirm_form"].initial["import_file_name"]
    assert (upload_dir / name).exists()
    response = bert.post("/admin/lessons/lesson/process_import/", preview.context["confirm_form"].initial)
    assert response.status_code == 302
    assert (upload_dir / name).exists()
    assert not Lesson.objects.exists()
    assert confirm(anne, preview).status_code == 302
    assert Lesson.objects.count() == 1
    assert not (upload_dir / name).exists()
    # A confirmed name cannot be used twice.
    assert confirm(anne, preview).status_code == 302
    assert Lesson.objects.count() == 1


def test_uploads_are_private_random_and_old_previews_are_removed(programme, upload_dir):
    client, _ = staff_client(COORDINATOR, "coordinator")
    preview = upload(client, dataset([lesson_row(programme)]), name="../../etc/passwd.csv")
    name = preview.context["confirm_form"].initial["import_file_name"]
    assert len(name) == 32 and "passwd" not in name
    assert oct(upload_dir.stat().st_mode & 0o777) == "0o700"
    assert oct((upload_dir / name).stat().st_mode & 0o777) == "0o600"
    stale = upload_dir / ("0" * 32)
    stale.write_text("oud")
    os.utime(stale, (time.time() - 7 * 3600,) * 2)
    upload(client, dataset([lesson_row(programme, slug="ander")]))
    assert not stale.exists()
    assert (upload_dir / name).exists()


def test_a_preview_with_errors_keeps_no_file(programme, upload_dir):
    client, _ = staff_client(COORDINATOR, "coordinator")
    response = upload(client, dataset([lesson_row(programme, programme="nergens")]))
    assert response.context.get("confirm_form") is None
    assert not list(upload_dir.iterdir())


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_with_a_shared_cache_uploads_wait_there_and_no_server_disk_is_used(
    programme, settings, upload_dir, kind
):
    settings.IMPORT_UPLOADS_IN_CACHE, settings.IMPORT_UPLOAD_DIR = True, None
    client, _ = staff_client(COORDINATOR, "coordinator")
    preview = upload(client, dataset([lesson_row(programme)]), kind)
    name = preview.context["confirm_form"].initial["import_file_name"]
    assert caches["default"].get(f"import-upload:{name}")
    assert not any(Path(tempfile.gettempdir()).glob(f"dealkennis-imports-*/{name}"))
    assert confirm(client, preview).status_code == 302
    assert Lesson.objects.count() == 1
    assert caches["default"].get(f"import-upload:{name}") is None


def test_an_upload_gone_from_the_cache_asks_for_it_again_in_dutch(programme, settings):
    settings.IMPORT_UPLOADS_IN_CACHE, settings.IMPORT_UPLOAD_DIR = True, None
    client, _ = staff_client(COORDINATOR, "coordinator")
    preview = upload(client, dataset([lesson_row(programme)]))
    caches["default"].delete(f"import-upload:{preview.context['confirm_form'].initial['import_file_name']}")
    response = client.post(
        "/admin/lessons/lesson/process_import/", preview.context["confirm_form"].initial, follow=True
    )
    assert "onbekend of verlopen" in text(response)
    assert not Lesson.objects.exists()


# --- 4. Big imports in one go ---------------------------------------------------------------------


def word(number):
    """A made-up word per row, of letters only, as search indexes them."""
    return "kribbe" + "".join("abcdefghij"[int(digit)] for digit in str(number))


def test_five_thousand_rows_import_through_the_admin_correctly(client, programme, deal):
    coordinator, _ = staff_client(COORDINATOR, "coordinator")
    Lesson.objects.create(
        **{k: v for k, v in lesson_row(programme, slug="les-7").items() if k != "tags"}
        | {"programme": programme}
    )
    rows = [
        lesson_row(
            programme,
            slug=f"les-{n}",
            title=f"Les {n} over dijkversterking",
            body=f"Het **waterschap** leerde {word(n)}.",
            status="published",
            visibility="public",
            tags=f"rivier{n % 50}, Samenwerking",
        )
        for n in range(5000)
    ]
    version = ContentVersion.current()
    response = admin_import(coordinator, dataset(rows))
    assert response.status_code == 302
    assert Lesson.objects.count() == 5000
    lesson = Lesson.objects.get(slug="les-4321")
    assert lesson.body_html.startswith("<p>Het <strong>waterschap</strong>")
    assert set(lesson.tags.names()) == {"rivier21", "Samenwerking"}
    assert lesson.search_tags == "Samenwerking rivier21"
    assert "rivier21" in lesson.fuzzy_text
    assert lesson.published_at is not None
    assert Lesson.objects.filter(search_vector="rivier21").count() == 100
    assert SearchWord.objects.filter(word=word(4321)).exists()
    assert ContentVersion.current() > version
    assert "Les 4321 over dijkversterking" in text(client.get(f"/zoeken/?q={word(4321)}"))
    assert Version.objects.get_for_model(Lesson).count() == 5001  # one per item, and les-7 before


# --- 5. History -------------------------------------------------------------------------------------


def test_an_overwriting_import_can_be_undone_from_history(programme, make_lesson):
    make_lesson(slug="les", title="Oude titel", body="Oude tekst.", status="draft", visibility="internal")
    client, user = staff_client(COORDINATOR, "coordinator")
    admin_import(client, dataset([lesson_row(programme, title="Nieuwe titel", body="Nieuwe tekst.")]))
    lesson = Lesson.objects.get()
    assert lesson.title == "Nieuwe titel"
    versions = Version.objects.get_for_object(lesson)
    assert versions[0].revision.user == user
    assert "Geïmporteerd uit import.csv" in versions[0].revision.comment
    versions[1].revert()
    lesson.refresh_from_db()
    assert (lesson.title, lesson.body) == ("Oude titel", "Oude tekst.")


def test_one_revision_per_import(programme):
    client, _ = staff_client(COORDINATOR, "coordinator")
    admin_import(client, dataset([lesson_row(programme, slug=f"les-{n}") for n in range(3)]))
    revisions = {version.revision_id for version in Version.objects.get_for_model(Lesson)}
    assert len(revisions) == 1


# --- 6. Dutch errors, never a server error -----------------------------------------------------------


@pytest.mark.parametrize(
    "kind, content, message",
    [
        ("json", b"[[1, 2]]", "mist de kolom"),
        ("json", b"[1, 2]", "kan niet gelezen worden"),
        ("json", b'{"slug": "x"}', "kan niet gelezen worden"),
        ("json", b'[{"slug": "x", "title": ["a"], "programme": "green-deals"}]', "lijst of object"),
        ("csv", b"\xff\xfe\x00kapot", "kan niet gelezen worden"),
        (
            "json",
            b'[{"slug": "a\\u0000b", "title": "t", "programme": "green-deals"}]',
            "rij 1: De tekst bevat een NUL",
        ),
    ],
)
def test_broken_files_get_a_dutch_message_and_no_server_error(programme, kind, content, message):
    client, _ = staff_client(COORDINATOR, "coordinator")
    response = upload(client, content, kind=kind)
    assert response.status_code == 200
    assert message in text(response)
    assert not Lesson.objects.exists()


def test_numbers_in_text_columns_are_read_as_text(programme):
    client, _ = staff_client(COORDINATOR, "coordinator")
    row = lesson_row(programme, slug=2020, title=2020, summary=3.0, source=12.5)
    response = admin_import(client, json.dumps([row]).encode(), kind="json")
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    assert (lesson.slug, lesson.title, lesson.summary, lesson.source) == ("2020", "2020", "3", "12.5")


def test_a_number_where_a_code_belongs_gets_a_dutch_message(programme):
    client, _ = staff_client(COORDINATOR, "coordinator")
    response = upload(
        client, json.dumps([lesson_row(programme, stream=3, programme=7)]).encode(), kind="json"
    )
    assert response.status_code == 200
    assert "“3” is geen geldige code voor stream" in text(response)
    assert "Onbekend programma “7”" in text(response)
    assert "attribute" not in text(response)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"title": "Nul\x00teken"}, "NUL-teken"),
        ({"tags": "x" * 150}, "hoogstens 100 tekens"),
        ({"title": "t" * 201}, "niet meer dan 200 tekens"),
        ({"body": "b" * 100_001}, "meer dan 100.000 tekens"),
    ],
)
def test_bad_values_get_a_dutch_row_error(programme, values, message):
    client, _ = staff_client(COORDINATOR, "coordinator")
    response = upload(client, json.dumps([lesson_row(programme, **values)]).encode(), kind="json")
    assert response.status_code == 200
    assert message in text(response)
    assert not Lesson.objects.exists()


def test_import_and_export_screens_are_dutch(programme):
    client, _ = staff_client(COORDINATOR, "coordinator")
    page = text(client.get("/admin/lessons/lesson/import/"))
    assert "Bestand om te importeren" in page and "Deze import leest de volgende kolommen" in page
    assert "File to import" not in page
    preview = upload(client, dataset([lesson_row(programme)]))
    assert "Import bevestigen" in text(preview) and "Confirm import" not in text(preview)
    done = confirm(client, preview)
    assert "Import klaar: 1 nieuw" in text(client.get(done.url))
    export = text(client.get("/admin/lessons/lesson/export/"))
    assert "Alles selecteren" in export and "Deze export bevat de volgende velden" in export
    assert "Select all" not in export and "This exporter" not in export


# --- 7. Formulae --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [" =1+1", "\n=cmd", "  @SUM(A1)", "\u00a0-2+3", "\t+31", "'=al", "''+x"])
def test_export_neutralises_formulae_after_white_space_and_import_restores_them(make_lesson, value):
    # The body, which is kept as typed; plain-text fields lose white space at their ends.
    make_lesson(slug="les", body=value)
    row = LessonResource().export().dict[0]
    assert row["body"].startswith("'")
    Lesson.objects.all().delete()
    LessonResource().import_data(tablib.Dataset(list(row.values()), headers=list(row)), dry_run=False)
    assert Lesson.objects.get().body == value


@given(st.text(max_size=12))
def test_neutralising_then_restoring_gives_back_the_text(value):
    neutral = neutralise_formula(value)
    assert restore_formula(neutral) == value
    assert not neutral.lstrip().startswith(("=", "+", "-", "@"))


def test_card_import_keeps_tags_when_the_file_has_no_tags_column(make_card, programme):
    card = make_card(slug="kaart", tags=["juristen"])
    data = tablib.Dataset(headers=["slug", "title", "programme", "question", "answer", "summary", "source"])
    data.append(["kaart", "Nieuwe titel", programme.slug, "Vraag?", "Antwoord.", "Kort.", "Bron"])
    result = CardResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    card.refresh_from_db()
    assert card.title == "Nieuwe titel"
    assert list(card.tags.names()) == ["juristen"]
    assert card.search_tags == "juristen"


def test_the_cell_limit_is_written_the_way_each_language_groups_numbers():
    from django.utils import translation

    from dealkennis.importing import too_long_message

    with translation.override("nl"):
        assert "100.000" in too_long_message()
    with translation.override("en"):
        assert "100,000" in too_long_message()


@pytest.mark.parametrize("field", ["status", "programme", "slug", "tags", "title"])
def test_true_or_false_in_a_text_column_gets_a_dutch_message(programme, field):
    client, _ = staff_client(EDITOR, "redacteur")
    for value in (True, False):
        response = upload(client, json.dumps([lesson_row(programme, **{field: value})]).encode(), "json")
        assert "waar of onwaar" in text(response), (field, value)
        assert response.context.get("confirm_form") is None
    assert not Lesson.objects.exists()


def test_true_or_false_in_a_yes_no_column_is_read(programme, make_card):
    card = make_card(slug="kaart", awaiting_check=False)
    client, _ = staff_client(EDITOR, "redacteur")
    row = {"slug": "kaart", "title": card.title, "programme": programme.slug, "awaiting_check": True}
    preview = upload(client, json.dumps([row]).encode(), "json", model="cards/card")
    assert preview.context.get("confirm_form") is not None, page_errors(preview)
    confirm(client, preview, model="cards/card")
    card.refresh_from_db()
    assert card.awaiting_check is True
