"""``manage.py rebuild_figures``: make the counts per station and fiscal year behind HQ's figures table equal to the
meetings, requests, referrals and exchanges (after a restore or a bulk load that wrote them as rows). Every save and
delete keeps them otherwise (``liaison.figures.tally``)."""

from django.core.management.base import BaseCommand

from ...tally import rebuild


class Command(BaseCommand):
    help = "本部の集計表が読む警察署・年度ごとの件数を、会議・要望等・連絡・情報交換の記録から作り直します。"

    def handle(self, *args, **options):
        rows = rebuild()
        self.stdout.write(f"警察署・年度ごとの件数を作り直しました：{rows}行。")
