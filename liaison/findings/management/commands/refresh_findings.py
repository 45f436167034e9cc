"""``manage.py refresh_findings [--date-driven] [--date YYYY-MM-DD]``: keep the stored findings equal to the rules.

Without options every source's findings are rebuilt, in batches (memory stays flat at any size). With
``--date-driven`` only what the days since the last refresh may have changed is recomputed (terms ending within the
notice period, long-tenure anniversaries, birthdays, terms starting or ending); run it daily, e.g. from cron just
after midnight. Running it twice the same day does nothing the second time.

On SQLite it then refreshes the query planner's statistics (``liaison.lib.planner``), which PostgreSQL keeps itself.
"""

from django.core.management.base import BaseCommand, CommandError

from liaison.lib.dates import parse_date_input, today_tokyo
from liaison.lib.planner import gather_statistics

from ...store import refresh_all, refresh_date_driven


class Command(BaseCommand):
    help = "保存された確認事項を規則の結果に合わせて作り直します（--date-driven は日付で変わるものだけ）。"

    def add_arguments(self, parser):
        parser.add_argument("--date-driven", action="store_true", help="日付の経過で変わりうるものだけを更新する。")
        parser.add_argument("--date", help="基準日（既定は今日）。")

    def handle(self, *args, date_driven=False, date=None, **options):
        try:
            day = parse_date_input(date) if date else today_tokyo()
        except ValueError as error:
            raise CommandError(str(error)) from error
        count = refresh_date_driven(day) if date_driven else refresh_all(day=day)
        self.stdout.write(f"確認事項を更新しました：{count}件の対象（基準日 {day:%Y-%m-%d}）。")
        if gather_statistics():
            self.stdout.write("データベースの統計情報を更新しました。")
