import unicodedata

import jaconv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.lib.kana import (
    READING_ERROR,
    clean_name,
    family_given_key,
    is_reading,
    normalize_reading,
    reading_prefix_key,
    reading_sort_key,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("やまだ", "ヤマダ"),
        ("ヤマダ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "ヤマダ"),  # half-width katakana with a separate dakuten
        ("ﾊﾟｸ", "パク"),
        ("やまだ　たろう", "ヤマダタロウ"),  # full-width space
        ("ヤマダ タロウ", "ヤマダタロウ"),
        ("  さとう  ", "サトウ"),
        ("ゔぃくとりあ", "ヴィクトリア"),
        ("ｺｰﾋｰ", "コーヒー"),
        ("コ-ヒ-", "コーヒー"),  # ASCII hyphen for the long vowel mark
        ("コ－ヒ－", "コーヒー"),  # full-width hyphen-minus
        ("ジョン・スミス", "ジョン・スミス"),
        ("ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス"),
        ("きょうこ", "キョウコ"),
        ("", ""),
        ("　", ""),
        (None, ""),
    ],
)
def test_normalize_reading(text, expected):
    assert normalize_reading(text) == expected


@pytest.mark.parametrize("text", ["山田", "yamada", "ヤマダ1", "ヤマダ！", "ヤマダ太郎", "ヽ", "ｙａｍａｄａ"])
def test_normalize_reading_rejects_non_kana(text):
    with pytest.raises(ValueError) as excinfo:
        normalize_reading(text)
    assert str(excinfo.value) == "読みはカタカナまたはひらがなで入力してください。" == READING_ERROR


def test_is_reading():
    assert is_reading("ヤマダ・ター")
    assert not is_reading("やまだ")


def test_reading_sort_key_examples():
    """X3: the stored key is primary kana, a separator, then tie-break marks."""
    assert reading_sort_key("カトウ") == "カトウ|"
    assert reading_sort_key("ガトウ") == "カトウ|3"
    assert reading_sort_key("パン") == "ハン|4"
    assert reading_sort_key("ヴァ") == "ウア|31"
    assert reading_sort_key("キッテ") == "キツテ|01"
    assert reading_sort_key("カード") == "カアト|023"
    assert reading_sort_key("ニュース") == "ニユウス|012"
    assert reading_sort_key("ジョン・スミス") == "シヨンスミス|31"
    assert reading_sort_key("") == ""
    assert reading_sort_key(None) == ""


def _sorted(readings):
    return sorted(readings, key=reading_sort_key)


def test_gojuon_order_with_dakuten():
    """X3: カトウ < ガトウ < キ… and ハ < バ < パ < ヒ."""
    assert _sorted(["キムラ", "ガトウ", "カトウ"]) == ["カトウ", "ガトウ", "キムラ"]
    assert _sorted(["ヒ", "パ", "ハ", "バ"]) == ["ハ", "バ", "パ", "ヒ"]
    assert _sorted(["カトウ", "ガトウ", "カドウ", "カトオ"]) == ["カトウ", "カドウ", "ガトウ", "カトオ"]


def test_gojuon_order_of_a_name_list():
    """X3: a realistic list comes out in 五十音順, not code-point order."""
    names = ["ワタナベ", "イトウ", "サトウ", "ヴァン", "アベ", "ウエダ", "ゴトウ", "コバヤシ", "パク", "ハヤシ", "ババ"]
    assert _sorted(names) == [
        "アベ",
        "イトウ",
        "ヴァン",  # ウアン
        "ウエダ",
        "ゴトウ",  # コトウ
        "コバヤシ",  # コハヤシ
        "サトウ",
        "パク",  # ハク
        "ババ",  # ハハ
        "ハヤシ",
        "ワタナベ",
    ]
    # plain code-point order would put ヴァン last, after ワタナベ
    assert sorted(names)[-1] == "ヴァン"


def test_small_kana_and_long_vowels():
    """X3: small kana sort as their large form (plain first), ー as the vowel before it."""
    assert _sorted(["キツテ", "キッテ", "キテ"]) == ["キツテ", "キッテ", "キテ"]
    assert _sorted(["シヨウ", "ショウ", "シヨ"]) == ["シヨ", "シヨウ", "ショウ"]
    assert _sorted(["カード", "カアド", "カイ"]) == ["カアド", "カード", "カイ"]
    assert _sorted(["ラーメン", "ラン"]) == ["ラーメン", "ラン"]


def test_shorter_reading_first():
    """X3: a reading sorts before a longer one that starts with it."""
    assert _sorted(["サトウ", "サト", "サ"]) == ["サ", "サト", "サトウ"]
    assert _sorted(["ガトウ", "カトウア"]) == ["ガトウ", "カトウア"]


def test_hiragana_and_half_width_give_the_same_key():
    assert reading_sort_key("がとう") == reading_sort_key("ガトウ") == reading_sort_key("ｶﾞﾄｳ")


def test_sort_key_rejects_non_readings():
    with pytest.raises(ValueError):
        reading_sort_key("山田")


def test_family_given_key_groups_families():
    """X3: everyone read カトウ comes before everyone read ガトウ; given names ordered within a family."""
    people = [("ガトウ", "アキラ"), ("カトウ", "ハナコ"), ("カトウ", "アキラ"), ("カト", "ワタル"), ("キ", "ア")]
    people.sort(key=lambda p: family_given_key(*p))
    assert people == [
        ("カト", "ワタル"),
        ("カトウ", "アキラ"),
        ("カトウ", "ハナコ"),
        ("ガトウ", "アキラ"),
        ("キ", "ア"),
    ]
    assert family_given_key("かとう", "はなこ") == "カトウ| ハナコ|"
    assert family_given_key("カトウ", "") == "カトウ| "
    assert family_given_key("カトウ", None) == family_given_key("カトウ", "")


# --- properties -------------------------------------------------------------------------------------------------

# An independent description of the order: every katakana letter with its base letter and its tie-break rank.
_SMALL = dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True))
LETTERS = [chr(c) for c in range(0x30A1, 0x30F7)]  # ァ … ヶ
PLAIN_LETTERS = [c for c in LETTERS if c not in _SMALL and len(unicodedata.normalize("NFD", c)) == 1]


def _oracle(reading: str) -> tuple[str, tuple[int, ...]]:
    bases, ranks = [], []
    for ch in reading:
        nfd = unicodedata.normalize("NFD", ch)
        base = nfd[0]
        if nfd.endswith("\u3099"):
            rank = 3
        elif nfd.endswith("\u309a"):
            rank = 4
        elif base in _SMALL:
            base, rank = _SMALL[base], 1
        else:
            rank = 0
        bases.append(base)
        ranks.append(rank)
    return "".join(bases), tuple(ranks)


readings = st.text(alphabet=LETTERS, min_size=1, max_size=10)


def _sign(a, b):
    return (a > b) - (a < b)


@given(readings, readings)
def test_key_order_matches_gojuon_definition(a, b):
    """X3: comparing keys as plain strings gives the 五十音順 definition: base letters first, then marks."""
    assert _sign(reading_sort_key(a), reading_sort_key(b)) == _sign(_oracle(a), _oracle(b))


@given(readings)
def test_key_is_binary_safe_and_short(a):
    """X3: only katakana, "|" and digits — no NUL (refused by PostgreSQL) — and at most twice the reading plus one."""
    key = reading_sort_key(a)
    assert "\x00" not in key
    primary, marks = key.split("|")
    assert all("\u30a1" <= ch <= "\u30fc" for ch in primary)
    assert set(marks) <= set("01234")
    assert len(primary) == len(a)
    assert len(key) <= 2 * len(a) + 1


@given(readings, st.sampled_from(LETTERS))
def test_prefix_sorts_first(a, letter):
    assert reading_sort_key(a) < reading_sort_key(a + letter)


@given(st.text(alphabet=PLAIN_LETTERS, min_size=1, max_size=10))
def test_hiragana_input_gives_same_key(a):
    assert reading_sort_key(jaconv.kata2hira(a)) == reading_sort_key(a)


@given(st.text(alphabet=PLAIN_LETTERS, min_size=1, max_size=8), st.data())
def test_dakuten_variants_share_primary_and_follow_plain(a, data):
    """X3: adding dakuten/handakuten never moves a reading past the next plain reading."""
    index = data.draw(st.integers(min_value=0, max_value=len(a) - 1))
    voiced = unicodedata.normalize("NFC", a[index] + "\u3099")
    if len(voiced) != 1 or not ("\u30a1" <= voiced <= "\u30f6"):
        return
    b = a[:index] + voiced + a[index + 1 :]
    assert reading_sort_key(a).split("|")[0] == reading_sort_key(b).split("|")[0]
    assert reading_sort_key(a) < reading_sort_key(b)


@given(readings, readings, readings, readings)
def test_family_given_key_orders_by_family_then_given(f1, g1, f2, g2):
    """X3: the combined key orders like the pair (family key, given key)."""
    combined = _sign(family_given_key(f1, g1), family_given_key(f2, g2))
    pairwise = _sign((reading_sort_key(f1), reading_sort_key(g1)), (reading_sort_key(f2), reading_sort_key(g2)))
    assert combined == pairwise


# --- names ------------------------------------------------------------------------------------------------------


def test_clean_name_keeps_variant_kanji_exactly():
    """Never NFKC a kanji name: 髙 U+9AD9, 﨑 U+FA11 and 神 U+FA19 survive unchanged."""
    name = "\u9ad9\ufa11 \ufa19"
    cleaned = clean_name(f"　{name}　")
    assert cleaned == name
    assert [hex(ord(c)) for c in cleaned] == ["0x9ad9", "0xfa11", "0x20", "0xfa19"]
    assert "\ufa19" in clean_name("\ufa19田")
    assert unicodedata.normalize("NFKC", "\ufa19") != "\ufa19"  # what NFKC would have done


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山田　太郎", "山田 太郎"),
        ("  山田   太郎  ", "山田 太郎"),
        ("山田\t太郎\n", "山田 太郎"),
        ("　", ""),
        ("山田太郎", "山田太郎"),
        ("ｱﾝﾄﾞﾘｭｰ", "ｱﾝﾄﾞﾘｭｰ"),  # no normalisation of any kind
        ("John  Smith", "John Smith"),
        (None, ""),
    ],
)
def test_clean_name_whitespace(text, expected):
    assert clean_name(text) == expected
    assert "\u3000" not in clean_name(text)


@given(readings, readings)
def test_every_key_of_a_longer_reading_starts_with_the_prefix_key(a, rest):
    """N2.2: a reading starting with ``a`` has a sort key (and a family-and-given key) starting with a's prefix key,
    so a key range on an index finds every person whose reading starts with what was typed."""
    prefix = reading_prefix_key(a)
    assert reading_sort_key(a + rest).startswith(prefix)
    assert family_given_key(a + rest, "タロウ").startswith(prefix)
    assert "|" not in prefix and prefix < reading_sort_key(a + rest) < prefix + "\U0010ffff"


def test_reading_prefix_key():
    assert reading_prefix_key("がー") == "カア" and reading_prefix_key("ｻﾄ") == "サト" and reading_prefix_key("") == ""
