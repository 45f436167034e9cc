"""``manage.py backup [--output DIR]``: one archive of the database and the uploaded files (``liaison.lib.backup``).

Safe while the app runs: SQLite is copied through its online backup API, PostgreSQL by ``pg_dump`` (one snapshot).
The archive is written readable by its owner only; the path is printed on standard output, for scripts.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...backup import ArchiveError, create_archive


class Command(BaseCommand):
    help = "データベースとアップロードされたファイルを1つのバックアップ（.tar）に保存します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=None,
            help="保存先のフォルダ（既定: VAR_DIR/backups）。所有者だけが読めるように作ります。",
        )

    def handle(self, *args, output=None, **options):
        target = Path(output) if output else Path(settings.VAR_DIR) / "backups"
        try:
            archive = create_archive(target)
        except (ArchiveError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
