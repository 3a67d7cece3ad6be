"""Filters for match review pages: the engine's reasons in HR's third person."""

from django import template

from pairing import wording
from pairing.services.review import BROKEN_RULE_WORDS

register = template.Library()


@register.filter
def hr_reason(code: str) -> str:
    """A reason code as HR reads it: `{{ code|hr_reason }}`."""
    return wording.reason_for_hr(code)


@register.filter
def hr_words(text: str) -> str:
    """An engine sentence about "you" told about "them", as a sentence: `{{ row.text|hr_words }}`."""
    sentence = wording.third_person(text)
    return sentence[:1].upper() + sentence[1:]


@register.filter
def broken_rule_words(codes: list[str]) -> list[str]:
    """The rules a hand-made pair breaks, as the manual-pair page words them (never raw codes)."""
    return [BROKEN_RULE_WORDS.get(code, code) for code in codes]
