"""Japanese postal codes as people type them: 〒, hyphens of any kind, full-width digits.

Here in ``lib`` because both the person forms (:mod:`liaison.people.postal`, which also looks codes up) and the
reading of uploaded tables (:mod:`liaison.lib.tabular`) clean codes the same way.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy

__all__ = ["POSTAL_CODE_ERROR", "normalize_postal_code"]

POSTAL_CODE_ERROR = gettext_lazy("郵便番号は7桁の数字で入力してください（例: 980-0811）。")

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー〒]")


def normalize_postal_code(text: str | None) -> str:
    """``"９８０－０８１１"``, ``"〒980 0811"`` → ``"9800811"``; blank gives ``""``; ``ValueError`` if not 7 digits."""
    if not text:
        return ""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    if not (len(digits) == 7 and digits.isascii() and digits.isdigit()):
        raise ValueError(POSTAL_CODE_ERROR)
    return digits
