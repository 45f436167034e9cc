"""``manage.py load_demo [--if-empty] [--seed N]``: fill a fresh database with a demo prefecture.

The organisation (HQ divisions, 12 stations, 60 交番・駐在所, 400 officers and one demo login per role, password
``demo-pass-2025``) comes from ``liaison.demo.builders.build_organisation``. Everything runs in one transaction.

Extension builders
------------------
Each programme's demo data is a module of this app (``liaison/demo/councils.py`` …): the demo app sits above every
other app, so those modules may use any app's actions. After the organisation is built, each module named in
``EXTENSIONS`` is imported if it exists (a module that does not exist is skipped silently; an ImportError raised
while importing a module that does exist propagates) and its ``build`` is called with keyword arguments::

    def build(*, rng: random.Random, fake: faker.Faker, org: dict) -> None: ...

``rng`` and ``fake`` are the same seeded generators the organisation used (use only them for randomness, and no
current time where avoidable, so the demo stays deterministic); ``org`` is the dict returned by
``build_organisation`` (keys ``prefecture``, ``hq_divisions``, ``stations``, ``sections``, ``kobans``, ``officers``,
``demo`` and ``password``). Builders run in the order listed, inside the same transaction, and may add entries to
``org`` for the builders after them.
"""

from __future__ import annotations

import importlib
import importlib.util
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from faker import Faker

from liaison.demo.builders import build_organisation
from liaison.figures import tally as figures_tally
from liaison.findings.store import deferred
from liaison.org.models import HQDivision, Koban, Officer, Station

EXTENSIONS = ["liaison.demo.councils", "liaison.demo.meetings", "liaison.demo.good_practice", "liaison.demo.network"]
DEFAULT_SEED = 2025


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent package itself is missing
        return False


def run_extensions(rng: random.Random, fake: Faker, org: dict, extensions: list[str] | None = None) -> list[str]:
    """Call ``build`` of every extension module that exists; return the names of those that ran."""
    ran = []
    for name in EXTENSIONS if extensions is None else extensions:
        if not _module_exists(name):
            continue
        module = importlib.import_module(name)
        module.build(rng=rng, fake=fake, org=org)
        ran.append(name)
    return ran


def load(seed: int = DEFAULT_SEED, extensions: list[str] | None = None) -> dict:
    """Build the demo prefecture and run the extensions (all by default) with generators seeded by ``seed``."""
    rng = random.Random(seed)
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    org = build_organisation(rng, fake)
    with deferred():  # thousands of actions: each object's stored findings computed once, at the end
        org["extensions"] = run_extensions(rng, fake, org, extensions)
    figures_tally.rebuild()  # the extensions write meetings, requests and exchanges as rows
    return org


def has_data() -> bool:
    return Station.objects.exists() or HQDivision.objects.exists() or Officer.objects.exists()


class Command(BaseCommand):
    help = "デモ用の県警察組織（警察署・交番・駐在所・警察職員とロールごとのログイン）を空のデータベースに作成します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="警察署が既に登録されていれば何もしない。",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"乱数の種（既定 {DEFAULT_SEED}）。")

    def handle(self, *args, if_empty=False, seed=DEFAULT_SEED, **options):
        if if_empty and Station.objects.exists():
            self.stdout.write("警察署が既に登録されているため、デモデータは作成しませんでした。")
            return
        with transaction.atomic():
            if has_data():
                raise CommandError(
                    "データベースに組織データが既にあります。デモデータは空のデータベースにのみ作成できます"
                    "（新しいデータベースで migrate してから実行するか、--if-empty を指定してください）。"
                )
            org = load(seed)
        extensions = "、".join(org["extensions"]) or "なし"
        self.stdout.write(
            self.style.SUCCESS(
                f"デモデータを作成しました：警察署 {len(org['stations'])}、"
                f"交番・駐在所 {Koban.objects.count()}、警察職員 {Officer.objects.count()}"
                f"（乱数の種 {seed}、拡張 {extensions}）。"
            )
        )
