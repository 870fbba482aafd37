"""`manage.py import_items`: the admin's import of cards or lessons, for scripts."""

from pathlib import Path

import tablib
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from import_export.signals import post_import
from tqdm import tqdm

from cards.resources import CardResource
from dealkennis.importing import check_xlsx
from lessons.resources import LessonResource

RESOURCES = {"card": CardResource, "lesson": LessonResource}
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
MAX_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Import cards or lessons from a CSV, XLSX or JSON file, as the admin does: "
        "all rows or none, with every error reported per row."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--type", choices=sorted(RESOURCES), required=True, dest="kind")
        parser.add_argument("--dry-run", action="store_true", help="Check the file; write nothing.")
        parser.add_argument(
            "--user",
            help=(
                "Import as this user: the workflow rule applies to their role and the history names "
                "them. Without it the operator imports with every right."
            ),
        )

    def handle(self, path, kind, dry_run, user=None, **options):
        if user is not None:
            try:
                user = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user named {user!r}.") from None
        dataset = self._read(path)
        resource = RESOURCES[kind]()
        progress = tqdm(total=len(dataset), unit="rij", disable=options["verbosity"] == 0)
        original_after_import_row = resource.after_import_row

        def after_import_row(row, row_result, **kwargs):
            progress.update(1)
            return original_after_import_row(row, row_result, **kwargs)

        resource.after_import_row = after_import_row
        import_options = {
            "use_transactions": True,
            "rollback_on_validation_errors": True,
            "user": user,
            "file_name": path.name,
        }
        result = resource.import_data(dataset, dry_run=True, **import_options)
        progress.close()
        self._refuse_problems(result)
        if not dry_run:
            resource.after_import_row = original_after_import_row
            result = resource.import_data(dataset, dry_run=False, **import_options)
            self._refuse_problems(result)
            # As the admin's import does: what listens for imports (the questions an
            # item answers) learns of the rows written without signals.
            post_import.send(sender=None, model=resource._meta.model)
        totals = result.totals
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {totals['new']} new and {totals['update']} changed {kind}s from {path}."
            )
        )

    def _read(self, path):
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        file_format = FORMATS.get(path.suffix.lower())
        if file_format is None:
            raise CommandError(f"Unknown file type {path.suffix!r}; use one of {', '.join(FORMATS)}.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        try:
            if file_format == "xlsx":
                with path.open("rb") as file:
                    check_xlsx(file)
                return tablib.Dataset().load(path.read_bytes(), format="xlsx")
            return tablib.Dataset().load(path.read_text(encoding="utf-8-sig"), format=file_format)
        except ValidationError as error:
            raise CommandError(f"{path}: {' '.join(error.messages)}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text; save it as UTF-8 and try again.") from None
        except Exception as error:  # tablib raises many kinds for a broken file
            raise CommandError(f"{path} cannot be read as {file_format}: {error}") from None

    def _refuse_problems(self, result):
        if problems := self._problems(result):
            raise CommandError("Nothing was imported:\n" + "\n".join(problems))

    def _problems(self, result):
        problems = [f"file: {error.error}" for error in result.base_errors]
        for number, errors in result.row_errors():
            problems.extend(f"row {number}: {error.error}" for error in errors)
        for invalid in result.invalid_rows:
            for field, messages in invalid.error_dict.items():
                problems.extend(f"row {invalid.number}: {field}: {message}" for message in messages)
        return problems
