"""Uploads for the admin's import: checked before parsing, kept where only we look.

django-import-export keeps an upload between preview and confirmation under
the name the confirmation form sends back. Here that name must be one we
issued to this user's session, the file lives in a folder of our own, and a
spreadsheet is measured before openpyxl reads it: an XLSX file is a zip
archive, and a small one can unpack into gigabytes. What one cell may hold
(`cell_text`) is checked here too, for every format.
"""

import decimal
import io
import os
import re
import secrets
import stat
import tempfile
import time
import zipfile
from pathlib import Path
from xml.parsers import expat

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.cache import caches
from django.core.exceptions import FieldError, SuspiciousOperation, ValidationError
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from import_export.forms import ImportForm
from import_export.results import RowResult
from import_export.tmp_storages import BaseStorage

# One cell may hold a long text, never a book.
MAX_CELL_CHARS = 100_000
# What an XLSX file may unpack into, as a multiple of the upload limit.
XLSX_UNPACK_FACTOR = 3
XLSX_MAX_MEMBERS = 200
UPLOAD_NAME = re.compile(r"[0-9a-f]{32}")
SESSION_KEY = "import_uploads"


def upload_folder():
    """Our folder for uploads awaiting confirmation, created private (0700)."""
    folder = Path(
        settings.IMPORT_UPLOAD_DIR or Path(tempfile.gettempdir()) / f"dealkennis-imports-{os.getuid()}"
    )
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    # In a shared temporary directory someone else could have made it first.
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise SuspiciousOperation(f"{folder} is not a private folder of this process.")
    if stat.S_IMODE(info.st_mode) != 0o700:
        folder.chmod(0o700)
    return folder


def remove_stale_uploads(folder):
    """Delete previews nobody confirmed: they hold someone's data for no purpose."""
    limit = time.time() - settings.IMPORT_UPLOAD_MAX_AGE_HOURS * 3600
    for path in folder.iterdir():
        try:
            if UPLOAD_NAME.fullmatch(path.name) and path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # another worker cleaned it first
            pass


def uploads_in_cache():
    """Whether uploads wait in the shared cache rather than in a folder of this server.

    With several app servers the confirmation may reach another server than
    the preview did: a shared cache (CACHE_URL) holds the upload for all of
    them, unless DEALKENNIS_IMPORT_DIR names a folder (say, a shared mount).
    """
    return settings.IMPORT_UPLOADS_IN_CACHE and not settings.IMPORT_UPLOAD_DIR


class UploadStorage(BaseStorage):
    """The upload between preview and confirmation, under a random name in our folder or the cache."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.name is not None and not UPLOAD_NAME.fullmatch(self.name):
            raise SuspiciousOperation("Not a name this site gave to an upload.")

    @property
    def path(self):
        return upload_folder() / self.name

    @property
    def cache_key(self):
        return f"import-upload:{self.name}"

    def save(self, data):
        self.name = secrets.token_hex(16)
        if uploads_in_cache():
            # Unconfirmed ones expire by themselves.
            timeout = settings.IMPORT_UPLOAD_MAX_AGE_HOURS * 3600
            caches["default"].set(self.cache_key, bytes(data), timeout)
            return
        folder = upload_folder()
        remove_stale_uploads(folder)
        descriptor = os.open(folder / self.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def read(self):
        mode = "rb" if "b" in self.read_mode else "r"
        if not uploads_in_cache():
            with open(self.path, mode, encoding=None if mode == "rb" else self.encoding) as file:
                return file.read()
        data = caches["default"].get(self.cache_key)
        if data is None:
            raise FileNotFoundError(self.name)
        if mode == "rb":
            return data
        # As a file opened in text mode reads it: universal newlines.
        return io.TextIOWrapper(io.BytesIO(data), encoding=self.encoding or "utf-8").read()

    def remove(self):
        if uploads_in_cache():
            caches["default"].delete(self.cache_key)
        else:
            self.path.unlink(missing_ok=True)


def check_xlsx(file):
    """Raise ValidationError unless the XLSX `file` is safe to hand to openpyxl.

    The sizes come from the zip directory. Python's zipfile never unpacks a
    member beyond the size listed there, so openpyxl cannot read more than
    was counted. The cell check streams the XML and keeps nothing.
    """
    limit = settings.IMPORT_MAX_BYTES * XLSX_UNPACK_FACTOR
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            if len(members) > XLSX_MAX_MEMBERS or unpacked > limit:
                raise ValidationError(
                    _(
                        "Dit Excel-bestand pakt uit tot %(size)s; de grens is %(limit)s. "
                        "Splits het bestand op of lever het aan als CSV."
                    )
                    % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)},
                    code="too_large",
                )
            for member in members:
                if member.filename.endswith(".xml") and member.filename.startswith("xl/"):
                    with archive.open(member) as xml:
                        _check_cells(xml)
    except (zipfile.BadZipFile, expat.ExpatError, EOFError, NotImplementedError):
        raise ValidationError(
            _("Dit is geen leesbaar Excel-bestand (.xlsx). Sla het opnieuw op als .xlsx of als CSV."),
            code="unreadable",
        ) from None
    finally:
        if hasattr(file, "seek"):
            file.seek(0)


def _check_cells(xml):
    parser = expat.ParserCreate()
    length = 0

    def refuse_doctype(*args):
        raise ValidationError(_("Dit Excel-bestand bevat een DOCTYPE; dat lezen we niet."), code="doctype")

    def start(name, attributes):
        nonlocal length
        length = 0

    def text(data):
        nonlocal length
        length += len(data)
        if length > MAX_CELL_CHARS:
            raise ValidationError(too_long_message(), code="cell_too_long")

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    while chunk := xml.read(64 * 1024):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def too_long_message():
    return _("Een cel bevat meer dan %(limit)s tekens; zo lang mag een tekst niet zijn.") % {
        "limit": number_format(MAX_CELL_CHARS, force_grouping=True)
    }


def nul_message():
    return _("De tekst bevat een NUL-teken (0x00); verwijder dat teken.")


def cell_text(value):
    """A cell's value as the widgets expect it: numbers become text, lists and objects are refused."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    if isinstance(value, (list, dict)):
        raise ValueError(_("Hier staat een lijst of object; verwacht wordt een tekst of getal."))
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(nul_message())
        if len(value) > MAX_CELL_CHARS:
            raise ValueError(too_long_message())
    return value


class SafeImportForm(ImportForm):
    """The upload form: the size limit, and for XLSX the unpacked size and cells."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("Het bestand is %(size)s; de grens is %(limit)s. Splits het bestand op.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is not None and chosen and issubclass(self.import_formats[int(chosen)], XLSX):
            try:
                check_xlsx(upload)
            except ValidationError as error:
                self.add_error("import_file", error)
        return cleaned


class SafeImportMixin(ImportExportMixin):
    """Import and export for an admin, with uploads that cannot hurt (see the module)."""

    formats = [CSV, XLSX, JSON]
    import_form_class = SafeImportForm
    tmp_storage_class = UploadStorage

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form, confirm = context.get("form"), context.get("confirm_form")
        if confirm is not None:
            issued = request.session.get(SESSION_KEY, [])
            request.session[SESSION_KEY] = [*issued[-9:], confirm.initial["import_file_name"]]
        elif form is not None and hasattr(form, "cleaned_data"):
            # A preview that cannot be confirmed keeps nothing on disk.
            name = getattr(form.cleaned_data.get("import_file"), "tmp_storage_name", None)
            if name:
                UploadStorage(name=name).remove()
        return response

    def process_import(self, request, **kwargs):
        name = request.POST.get("import_file_name", "")
        if name not in request.session.get(SESSION_KEY, []):
            messages.error(
                request, _("Dit importbestand is onbekend of verlopen. Upload het bestand opnieuw.")
            )
            return HttpResponseRedirect(self._import_url())
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # Expired meanwhile, or evicted from a cache that ran out of memory.
            messages.error(
                request, _("Dit importbestand is onbekend of verlopen. Upload het bestand opnieuw.")
            )
            return HttpResponseRedirect(self._import_url())
        finally:
            self._forget_upload(request, name)

    def _forget_upload(self, request, name):
        UploadStorage(name=name).remove()
        if not uploads_in_cache():
            remove_stale_uploads(upload_folder())
        request.session[SESSION_KEY] = [each for each in request.session.get(SESSION_KEY, []) if each != name]

    def export_action(self, request):
        # The export reads the list's filters from the address. One that does
        # not exist gets the list's own answer for that (?e=1), not a 500.
        try:
            return super().export_action(request)
        except (IncorrectLookupParameters, FieldError, OverflowError):
            app_label, model_name = self.get_model_info()
            changelist = reverse(
                f"admin:{app_label}_{model_name}_changelist", current_app=self.admin_site.name
            )
            return HttpResponseRedirect(f"{changelist}?e=1")

    def _import_url(self):
        app_label, model_name = self.get_model_info()
        return reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)

    def get_import_resource_kwargs(self, request, **kwargs):
        # The upload form leads to the preview, the only step that shows the changes.
        preview = isinstance(kwargs.get("form"), ImportForm)
        return {**super().get_import_resource_kwargs(request, **kwargs), "preview": preview}

    def get_import_data_kwargs(self, **kwargs):
        # A confirmation is all or nothing too, also when a row became invalid
        # after the preview (someone else changed the item meanwhile).
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def add_data_read_fail_error_to_form(self, form, error):
        form.add_error(
            "import_file",
            _(
                "Het bestand kan niet gelezen worden in het gekozen formaat. Kies het juiste formaat "
                "en sla tekstbestanden (CSV, JSON) op als UTF-8."
            ),
        )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request, _("Er is niets geïmporteerd: %(problems)s") % {"problems": describe_problems(result)}
            )
            return HttpResponseRedirect(self._import_url())
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        messages.success(
            request,
            _("Import klaar: %(new)s nieuw en %(changed)s gewijzigd (%(kind)s).")
            % {
                "new": result.totals[RowResult.IMPORT_TYPE_NEW],
                "changed": result.totals[RowResult.IMPORT_TYPE_UPDATE],
                "kind": self.model._meta.verbose_name_plural,
            },
        )


def describe_problems(result, limit=5):
    """The first few problems of an import result, as one Dutch sentence per problem."""
    problems = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        problems.extend(_("rij %(number)s: %(error)s") % {"number": number, "error": e.error} for e in errors)
    for invalid in result.invalid_rows:
        for texts in invalid.error_dict.values():
            problems.extend(
                _("rij %(number)s: %(error)s") % {"number": invalid.number, "error": text} for text in texts
            )
    return " ".join(problems[:limit])
