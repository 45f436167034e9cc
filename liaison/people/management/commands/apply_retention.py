"""``manage.py apply_retention [--years N] [--apply] [--date YYYY-MM-DD]``: anonymise persons past the retention period.

Without ``--apply`` it is a dry run: it lists how many persons would be anonymised and their ids with their station,
and changes nothing. N defaults to the prefecture settings' 保存期間. Never prints a name: the output goes to logs.
Run it monthly from cron with ``--apply``; running it again finds nobody new.
"""

from django.core.management.base import BaseCommand, CommandError

from liaison.lib.dates import parse_date_input, today_tokyo
from liaison.org.models import PrefectureSettings

from ...actions import person_retention_apply
from ...retention import cutoff_for, due_for_anonymising


class Command(BaseCommand):
    help = "保存期間を過ぎた住民等の個人情報を匿名化します（--apply がなければ対象を表示するだけ）。"

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, help="保存期間（役割の終了後の年数）。既定は県の設定の値。")
        parser.add_argument("--apply", action="store_true", help="匿名化する（ないときは対象の一覧だけ）。")
        parser.add_argument("--date", help="基準日（既定は今日）。")

    def handle(self, *args, years=None, apply=False, date=None, **options):
        try:
            day = parse_date_input(date) if date else today_tokyo()
        except ValueError as error:
            raise CommandError(str(error)) from error
        if years is None:
            years = PrefectureSettings.current().retention_years
        if years < 1:
            raise CommandError("保存期間は1年以上にしてください。")
        cutoff = cutoff_for(day, years)
        if apply:
            affected = person_retention_apply(years=years, day=day, acting_user=None)
            verb = "匿名化しました"
        else:
            affected = list(due_for_anonymising(day=day, years=years).values_list("pk", "station_id"))
            verb = "匿名化の対象です（試行: 何も変更していません。--apply で匿名化します）"
        for pk, station in affected:
            self.stdout.write(f"person {pk} station {station}")
        self.stdout.write(
            f"{len(affected)}人が{verb}。保存期間 {years}年、{cutoff:%Y-%m-%d} より前に役割が終わった住民等。"
        )
