"""``manage.py rebuild_exchange_tally``: make the monthly tally of exchanges behind the chief's view equal to the
exchanges (after a restore or a bulk load that wrote exchanges as rows). The exchange action keeps it otherwise."""

from django.core.management.base import BaseCommand

from ...tally import rebuild


class Command(BaseCommand):
    help = "署長の画面が読む情報交換の月別集計を、情報交換の記録から作り直します。"

    def handle(self, *args, **options):
        rows = rebuild()
        self.stdout.write(f"情報交換の月別集計を作り直しました：{rows}行。")
