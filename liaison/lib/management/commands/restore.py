"""``manage.py restore ARCHIVE [--yes]``: put back the database and the uploaded files of a ``manage.py backup``.

Every member is checked against the manifest's digests first; a damaged archive is refused before anything changes.
Stop the web servers and workers before restoring, and run ``manage.py migrate`` after (the archive brings back its
own schema).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ...backup import ArchiveError, restore_archive, verify_archive


class Command(BaseCommand):
    help = (
        "バックアップ（.tar）からデータベースとアップロードされたファイルを復元します（現在の内容は置き換わります）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="manage.py backup が作ったファイル")
        parser.add_argument("--yes", action="store_true", help="確認せずに復元する（スクリプト用）。")

    def handle(self, *args, archive, yes=False, **options):
        path = Path(archive)
        try:
            manifest = verify_archive(path)
        except ArchiveError as error:
            raise CommandError(f"復元しません。何も変更していません。{error}") from error
        files = sum(1 for name in manifest.members if name.startswith("media/"))
        self.stdout.write(
            f"{path}: {manifest.created_at} に {manifest.vendor} から作成、ファイル {files} 件。すべての内容を確認しました。"
        )
        if not yes:
            answer = input(f"{connection.settings_dict['NAME']} の内容を置き換えます。よろしいですか？ [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("中止しました。何も変更していません。")
        try:
            restore_archive(path)
        except ArchiveError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("復元しました。続けて manage.py migrate を実行してください。")
