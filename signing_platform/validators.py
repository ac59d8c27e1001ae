"""Validators for the national identifiers the platform handles (SPEC §7).

Each `normalize_*` returns the canonical stored form or raises ValidationError with a Chinese message, so a form
field and a service can share the one rule.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError

_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_MOBILE_NOISE_RE = re.compile(r"[\s\-]")


def record_key(value) -> int | None:
    """A record's id as a client sends it (a URL's query, a checkbox, a select): ASCII digits that fit a bigint, else
    None. `str.isdigit()` alone passes ² and ١ (int() refuses the first) and numbers no database column holds."""
    text = str(value if value is not None else "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def ascii_form(value: str, *, message: str, code: str) -> str:
    """NFKC, so full-width digits and letters (a Chinese input method's) become ASCII; a digit of any other
    script left after that is refused with `message`, so that no look-alike of a real value is accepted."""
    normalized = unicodedata.normalize("NFKC", value or "")
    if any(char.isdigit() and not char.isascii() for char in normalized):
        raise ValidationError(message, code=code)
    return normalized


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a +86 / 0086 prefix; return the 11-digit mainland number in ASCII digits."""
    cleaned = ascii_form(value, message="手机号只能使用数字0-9", code="invalid_mobile")
    cleaned = _MOBILE_NOISE_RE.sub("", cleaned)
    for prefix in ("+86", "0086"):
        if cleaned.startswith(prefix):
            cleaned = cleaned[len(prefix) :]
            break
    else:
        if len(cleaned) == 13 and cleaned.startswith("86"):
            cleaned = cleaned[2:]
    if not _MOBILE_RE.fullmatch(cleaned):
        raise ValidationError("请输入正确的11位手机号码", code="invalid_mobile")
    return cleaned


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else mobile


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$", re.ASCII)


def id_number_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """GB 11643-1999 citizen ID number: 17 digits and a check character; the birth date must exist."""
    cleaned = ascii_form(value, message="身份证号只能使用数字0-9和X", code="invalid_id_number").strip().upper()
    if not _ID_RE.fullmatch(cleaned):
        raise ValidationError("身份证号应为18位，最后一位可以是数字或X", code="invalid_id_number")
    try:
        birth = datetime.date(int(cleaned[6:10]), int(cleaned[10:12]), int(cleaned[12:14]))
    except ValueError:
        raise ValidationError("身份证号中的出生日期无效", code="invalid_id_number") from None
    if birth.year < 1800 or birth > datetime.date.today():
        raise ValidationError("身份证号中的出生日期无效", code="invalid_id_number")
    if id_number_check_char(cleaned[:17]) != cleaned[17]:
        raise ValidationError("身份证号校验位不正确，请核对", code="invalid_id_number")
    return cleaned


def mask_id_number(id_number: str) -> str:
    """First 6 and last 4 characters shown: 110105********002X."""
    return f"{id_number[:6]}{'*' * (len(id_number) - 10)}{id_number[-4:]}" if len(id_number) > 10 else "*" * 4


CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_VALUES = {char: index for index, char in enumerate(CREDIT_CODE_ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_VALUES[c] * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    """GB 32100-2015 unified social credit code: 18 characters, the last one a check character."""
    message = "统一社会信用代码只能使用数字0-9和大写字母"
    cleaned = ascii_form(value, message=message, code="invalid_credit_code").strip().upper()
    if len(cleaned) != 18 or any(c not in _CREDIT_VALUES for c in cleaned):
        raise ValidationError(
            "统一社会信用代码应为18位，由数字和大写字母组成（不含I、O、Z、S、V）", code="invalid_credit_code"
        )
    if credit_code_check_char(cleaned[:17]) != cleaned[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对", code="invalid_credit_code")
    return cleaned
