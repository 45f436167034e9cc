"""Weighted pools of Japanese names with their readings, for generated data at scale.

Faker's ``ja_JP`` lists hold the 50 commonest surnames and about 50 given names. At 150,000 people that would make
every person one of a few thousand full names and every reading start with one of a few dozen syllables, which is
not what a search index or a 五十音 page sees in a real prefecture. So the pools below add the next most common
surnames, the Miyagi surnames the demo uses, and the given names of the generations that sit on councils (most
members are 50–80), with weights falling off with rank as real name frequencies do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

from faker.providers.person.ja_JP import Provider as FakerNames

from liaison.demo.builders import MIYAGI_SURNAMES

# Surnames after Faker's top 50, roughly in order of frequency.
MORE_SURNAMES: list[tuple[str, str]] = [
    ("石田", "イシダ"), ("中野", "ナカノ"), ("小野", "オノ"), ("田村", "タムラ"), ("竹内", "タケウチ"),
    ("金子", "カネコ"), ("和田", "ワダ"), ("中山", "ナカヤマ"), ("原田", "ハラダ"), ("上田", "ウエダ"),
    ("森田", "モリタ"), ("柴田", "シバタ"), ("酒井", "サカイ"), ("工藤", "クドウ"), ("横山", "ヨコヤマ"),
    ("宮崎", "ミヤザキ"), ("宮本", "ミヤモト"), ("内田", "ウチダ"), ("高木", "タカギ"), ("安藤", "アンドウ"),
    ("谷口", "タニグチ"), ("大野", "オオノ"), ("丸山", "マルヤマ"), ("今井", "イマイ"), ("高田", "タカダ"),
    ("藤本", "フジモト"), ("武田", "タケダ"), ("村田", "ムラタ"), ("上野", "ウエノ"), ("杉山", "スギヤマ"),
    ("増田", "マスダ"), ("平野", "ヒラノ"), ("大塚", "オオツカ"), ("久保", "クボ"), ("松井", "マツイ"),
    ("小島", "コジマ"), ("岩崎", "イワサキ"), ("桜井", "サクライ"), ("野口", "ノグチ"), ("松尾", "マツオ"),
    ("野村", "ノムラ"), ("木下", "キノシタ"), ("菊地", "キクチ"), ("佐野", "サノ"), ("大西", "オオニシ"),
    ("杉本", "スギモト"), ("新井", "アライ"), ("浜田", "ハマダ"), ("市川", "イチカワ"), ("水野", "ミズノ"),
    ("小松", "コマツ"), ("島田", "シマダ"), ("古川", "フルカワ"), ("小山", "コヤマ"), ("高野", "タカノ"),
    ("西田", "ニシダ"), ("菊池", "キクチ"), ("山内", "ヤマウチ"), ("西川", "ニシカワ"), ("五十嵐", "イガラシ"),
    ("北村", "キタムラ"), ("安田", "ヤスダ"), ("中田", "ナカタ"), ("川口", "カワグチ"), ("平田", "ヒラタ"),
    ("川崎", "カワサキ"), ("飯田", "イイダ"), ("吉川", "ヨシカワ"), ("本田", "ホンダ"), ("久保田", "クボタ"),
    ("沢田", "サワダ"), ("辻", "ツジ"), ("関", "セキ"), ("吉村", "ヨシムラ"), ("渡部", "ワタナベ"),
    ("岩田", "イワタ"), ("中西", "ナカニシ"), ("服部", "ハットリ"), ("樋口", "ヒグチ"), ("福島", "フクシマ"),
    ("川上", "カワカミ"), ("永井", "ナガイ"), ("松岡", "マツオカ"), ("田口", "タグチ"), ("山中", "ヤマナカ"),
    ("森本", "モリモト"), ("土屋", "ツチヤ"), ("矢野", "ヤノ"), ("広瀬", "ヒロセ"), ("秋山", "アキヤマ"),
    ("石原", "イシハラ"), ("松下", "マツシタ"), ("大橋", "オオハシ"), ("松浦", "マツウラ"), ("吉岡", "ヨシオカ"),
    ("小池", "コイケ"), ("馬場", "ババ"), ("浅野", "アサノ"), ("荒木", "アラキ"), ("大久保", "オオクボ"),
    ("野田", "ノダ"), ("小沢", "オザワ"), ("田辺", "タナベ"), ("川村", "カワムラ"), ("星野", "ホシノ"),
    ("黒田", "クロダ"), ("堀", "ホリ"), ("尾崎", "オザキ"), ("望月", "モチヅキ"), ("永田", "ナガタ"),
    ("内藤", "ナイトウ"), ("松村", "マツムラ"), ("西山", "ニシヤマ"), ("大谷", "オオタニ"), ("平井", "ヒライ"),
    ("大島", "オオシマ"), ("岩本", "イワモト"), ("片山", "カタヤマ"), ("本間", "ホンマ"), ("早川", "ハヤカワ"),
    ("横田", "ヨコタ"), ("岡崎", "オカザキ"), ("荒井", "アライ"), ("大石", "オオイシ"), ("鎌田", "カマタ"),
    ("成田", "ナリタ"), ("宮田", "ミヤタ"), ("小田", "オダ"), ("石橋", "イシバシ"), ("篠原", "シノハラ"),
    ("須藤", "スドウ"), ("河野", "コウノ"), ("大沢", "オオサワ"), ("小西", "コニシ"), ("南", "ミナミ"),
    ("高山", "タカヤマ"), ("栗原", "クリハラ"), ("伊東", "イトウ"), ("松原", "マツバラ"), ("三宅", "ミヤケ"),
    ("福井", "フクイ"), ("大森", "オオモリ"), ("奥村", "オクムラ"), ("岡", "オカ"), ("内山", "ウチヤマ"),
    ("片岡", "カタオカ"),
]  # fmt: skip

# Given names common among people born 1940–1990, who make up most council members.
MORE_MALE_NAMES: list[tuple[str, str]] = [
    ("清", "キヨシ"), ("茂", "シゲル"), ("勇", "イサム"), ("博", "ヒロシ"), ("実", "ミノル"), ("進", "ススム"),
    ("正", "タダシ"), ("隆", "タカシ"), ("誠", "マコト"), ("豊", "ユタカ"), ("弘", "ヒロシ"), ("明", "アキラ"),
    ("勝", "マサル"), ("和夫", "カズオ"), ("正男", "マサオ"), ("幸雄", "ユキオ"), ("健二", "ケンジ"),
    ("哲也", "テツヤ"), ("浩二", "コウジ"), ("秀樹", "ヒデキ"), ("一郎", "イチロウ"), ("修", "オサム"),
    ("武", "タケシ"), ("昭", "アキラ"), ("敏夫", "トシオ"), ("義雄", "ヨシオ"), ("信夫", "ノブオ"),
    ("光男", "ミツオ"), ("正樹", "マサキ"), ("健太", "ケンタ"), ("大輔", "ダイスケ"), ("誠一", "セイイチ"),
    ("賢治", "ケンジ"), ("俊介", "シュンスケ"), ("雅之", "マサユキ"), ("剛", "ツヨシ"), ("隆之", "タカユキ"),
    ("克也", "カツヤ"), ("孝", "タカシ"), ("功", "イサオ"),
]  # fmt: skip
MORE_FEMALE_NAMES: list[tuple[str, str]] = [
    ("幸子", "サチコ"), ("和子", "カズコ"), ("洋子", "ヨウコ"), ("恵子", "ケイコ"), ("京子", "キョウコ"),
    ("節子", "セツコ"), ("美智子", "ミチコ"), ("久美子", "クミコ"), ("由美子", "ユミコ"), ("真由美", "マユミ"),
    ("恵美子", "エミコ"), ("弘子", "ヒロコ"), ("良子", "ヨシコ"), ("順子", "ジュンコ"), ("悦子", "エツコ"),
    ("典子", "ノリコ"), ("智子", "トモコ"), ("裕子", "ユウコ"), ("明子", "アキコ"), ("富子", "トミコ"),
    ("敏子", "トシコ"), ("美穂", "ミホ"), ("由美", "ユミ"), ("純子", "ジュンコ"), ("正子", "マサコ"),
    ("文子", "フミコ"), ("信子", "ノブコ"), ("清美", "キヨミ"), ("美香", "ミカ"), ("千春", "チハル"),
    ("麻衣", "マイ"), ("理恵", "リエ"), ("紀子", "ノリコ"), ("真理子", "マリコ"), ("直美", "ナオミ"),
]  # fmt: skip


@dataclass(frozen=True)
class NamePool:
    """(kanji, reading) pairs with cumulative weights, for ``random.Random.choices``."""

    names: tuple[tuple[str, str], ...]
    cum_weights: tuple[float, ...]

    def pick(self, rng: random.Random) -> tuple[str, str]:
        return rng.choices(self.names, cum_weights=self.cum_weights)[0]


def _pool(ranked: list[tuple[str, str]], offset: float) -> NamePool:
    """Weights ~ 1 / (rank + offset): the commonest names are a few times as frequent as the 100th, as in life."""
    seen: dict[str, tuple[str, str]] = {}
    for kanji, kana in ranked:
        seen.setdefault(kanji, (kanji, kana))
    names = tuple(seen.values())
    return NamePool(names, tuple(accumulate(1.0 / (rank + offset) for rank in range(len(names)))))


def _faker_pairs(pairs) -> list[tuple[str, str]]:
    return [(kanji, kana) for kanji, kana, _roman in pairs]


def _surnames() -> list[tuple[str, str]]:
    faker = _faker_pairs(FakerNames.last_name_pairs)
    # The Miyagi names the demo uses sit among the top hundred, as they do in the north-east.
    return faker[:30] + list(MIYAGI_SURNAMES) + faker[30:] + MORE_SURNAMES


SURNAMES = _pool(_surnames(), offset=8)
MALE_NAMES = _pool(MORE_MALE_NAMES[:20] + _faker_pairs(FakerNames.first_name_male_pairs) + MORE_MALE_NAMES[20:], 6)
FEMALE_NAMES = _pool(
    MORE_FEMALE_NAMES[:20] + _faker_pairs(FakerNames.first_name_female_pairs) + MORE_FEMALE_NAMES[20:], 6
)


def full_name(rng: random.Random, gender: str) -> tuple[str, str, str, str]:
    """(family, given, family reading, given reading) for ``gender`` ("female" or anything else for male)."""
    family, family_kana = SURNAMES.pick(rng)
    given, given_kana = (FEMALE_NAMES if gender == "female" else MALE_NAMES).pick(rng)
    return family, given, family_kana, given_kana
