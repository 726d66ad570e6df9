"""Bilingual text: Chinese by default, English on request."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("zh", "en")
DEFAULT_LANG = "zh"


@dataclass(frozen=True)
class Msg:
    """A message in both languages; pick one with ``render``."""

    zh: str
    en: str

    def render(self, lang: str = DEFAULT_LANG) -> str:
        return self.en if lang == "en" else self.zh

    def format(self, **values: object) -> Msg:
        return Msg(self.zh.format(**values), self.en.format(**values))

    def __add__(self, other: Msg) -> Msg:
        return Msg(self.zh + other.zh, self.en + " " + other.en)


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    return lang
