"""``manage.py demo_logins``: the demo logins (officers whose username starts with ``demo_``) as a table."""

import os
from unicodedata import east_asian_width

from django.core.management.base import BaseCommand

from liaison.demo.builders import DEMO_LOGINS, DEMO_PASSWORD
from liaison.org.models import Officer


def _width(text: str) -> int:
    return sum(2 if east_asian_width(ch) in ("F", "W") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "デモ用ログイン（ユーザー名が demo_ で始まる警察職員）の一覧を表示します。"

    def handle(self, *args, **options):
        officers = list(
            Officer.objects.filter(user__username__startswith="demo_").select_related(
                "user", "station", "section", "koban", "hq_division"
            )
        )
        if not officers:
            self.stdout.write("デモ用ログインがありません。先に manage.py load_demo を実行してください。")
            return
        order = list(DEMO_LOGINS)
        officers.sort(
            key=lambda o: (order.index(o.user.username) if o.user.username in order else len(order), o.user.username)
        )
        header = ["ユーザー名", "パスワード", "役割", "氏名", "所属"]
        rows = [
            [
                o.user.username,
                DEMO_PASSWORD if o.user.check_password(DEMO_PASSWORD) else "（変更済み）",
                o.get_role_display(),
                f"{o.full_name}（{o.get_rank_display()}・{o.title}）" if o.title else o.full_name,
                o.affiliation,
            ]
            for o in officers
        ]
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        for row in [header, ["-" * w for w in widths], *rows]:
            self.stdout.write("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
        self.stdout.write("")
        # bin/serve passes its PORT on; the URL printed is the one the server listens on.
        self.stdout.write(f"URL: http://127.0.0.1:{os.environ.get('PORT', '8000')}/")
