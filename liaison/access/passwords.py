"""Password rules that know the officer: a password may not be built from the officer's own name, in kanji, in kana
or romanised as people type it (``aizawa-ryosuke``, ``ryosuke.aizawa``, ``AizawaR``), nor from the login ID or
e-mail address. Django's ``UserAttributeSimilarityValidator`` sees only the user's fields, where an officer's name
is not kept, and knows no romanisation."""

import re
import unicodedata
from difflib import SequenceMatcher
from itertools import product

import jaconv
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Shorter romanised parts (``ai``, ``oe``) occur in too many ordinary words to refuse them on their own; the
# similarity to the whole name still catches a password made of them.
MIN_PART_LETTERS = 3
MIN_KANJI = 2
MIN_KANA = 3
MAX_SIMILARITY = 0.7

# jaconv writes long vowels as typed in kana (りょうすけ → ryousuke, おおの → oono), ー as "-", and ん always as
# "n" (かんぺい → kanpei); people also write passport Hepburn (ryosuke, ono, kampei), "oh" for a long o (ohno), or
# Kunrei (tuji, syuhei). Each rule adds the variants it makes to those already there.
_LONG_VOWELS = [("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("-", "")]
_OH = [("ou", "oh"), ("oo", "oh")]
_KUNREI = [
    ("sha", "sya"),
    ("shu", "syu"),
    ("sho", "syo"),
    ("shi", "si"),
    ("cha", "tya"),
    ("chu", "tyu"),
    ("cho", "tyo"),
    ("chi", "ti"),
    ("tsu", "tu"),
    ("fu", "hu"),
    ("ja", "zya"),
    ("ju", "zyu"),
    ("jo", "zyo"),
    ("ji", "zi"),
]


def _replace_all(text: str, pairs) -> str:
    for old, new in pairs:
        text = text.replace(old, new)
    return text


def _n_before_labial(text: str) -> str:
    return re.sub(r"n(?=[bmp])", "m", text)


def romanisations(kana: str) -> set[str]:
    """Every way a reading in kana is commonly written in Latin letters, lower case, letters only."""
    kana = unicodedata.normalize("NFKC", kana or "").strip()
    if not kana:
        return set()
    base = jaconv.kana2alphabet(jaconv.kata2hira(kana)).lower()
    variants = {base, _replace_all(base, _LONG_VOWELS)}
    # One spelling rule at a time, so that mixed spellings (tuji: Kunrei tu, Hepburn ji) are there too; a name
    # has few syllables, so the set stays small.
    for old, new in [*_LONG_VOWELS, *_OH, *_KUNREI]:
        variants |= {v.replace(old, new) for v in variants if old in v}
    variants |= {_n_before_labial(v) for v in variants}
    return {re.sub(r"[^a-z]", "", v) for v in variants} - {""}


def _letters(text: str) -> str:
    """Latin letters of a typed password, lower case (full-width letters count): separators and digits dropped."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKC", text).lower())


def _officer(user):
    # The officer record comes with the user (the login backend and the officer screens read them together);
    # a new user being created carries it unsaved. A user without one (a superuser) has no name to check.
    return getattr(user, "officer", None) if user is not None else None


class OfficerNameValidator:
    """Refuses a password that contains the officer's family or given name (kanji, kana, or any common
    romanisation of at least three letters), that is too similar to the whole name in any order or with an
    initial, or that contains the login ID or the e-mail address's local part."""

    def __init__(self, max_similarity: float = MAX_SIMILARITY):
        self.max_similarity = max_similarity

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        if self._uses_name(password, _officer(user)):
            raise ValidationError(
                _("パスワードに自分の氏名（漢字・読み・ローマ字）を含めることはできません。"),
                code="password_contains_name",
            )
        letters_and_digits = re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", password).lower())
        for value in (getattr(user, "username", ""), (getattr(user, "email", "") or "").split("@")[0]):
            value = re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", value or "").lower())
            if len(value) >= MIN_PART_LETTERS and value in letters_and_digits:
                raise ValidationError(
                    _("パスワードにログインIDやメールアドレスを含めることはできません。"),
                    code="password_contains_login",
                )

    def _uses_name(self, password: str, officer) -> bool:
        if officer is None:
            return False
        typed = unicodedata.normalize("NFKC", password)
        family, given = (officer.family_name or "").strip(), (officer.given_name or "").strip()
        if any(len(n) >= MIN_KANJI and n in typed for n in (family, given, family + given)):
            return True
        typed_hira = jaconv.kata2hira(typed)
        kanas = [
            jaconv.kata2hira(unicodedata.normalize("NFKC", k or "").strip())
            for k in (officer.family_kana, officer.given_kana)
        ]
        if any(len(k) >= MIN_KANA and k in typed_hira for k in kanas):
            return True
        letters = _letters(password)
        family_romaji, given_romaji = romanisations(officer.family_kana), romanisations(officer.given_kana)
        if any(len(r) >= MIN_PART_LETTERS and r in letters for r in family_romaji | given_romaji):
            return True
        if not letters:
            return False
        for f, g in product(family_romaji, given_romaji):
            for whole in (f + g, g + f, f + g[0], g[0] + f, g + f[0], f[0] + g):
                if SequenceMatcher(a=letters, b=whole).ratio() >= self.max_similarity:
                    return True
        return False

    def get_help_text(self) -> str:
        return _("自分の氏名（漢字・読み・ローマ字）、ログインID、メールアドレスを含まないパスワードにしてください。")
