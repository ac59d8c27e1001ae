"""Protection of 身份证号 at rest: a keyed hash for exact look-up and Fernet encryption for display.

A database dump then holds no ID number in clear: the hash cannot be reversed without ID_NUMBER_HASH_KEY (a plain
hash of an 18-character number with a known structure could be brute-forced), the token cannot be read without
ID_NUMBER_ENCRYPTION_KEY. Keys come from settings; several comma-separated encryption keys allow rotation
(the first encrypts, all decrypt).
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys.split(",") if key.strip()])
    except ValueError:
        raise ImproperlyConfigured("ID_NUMBER_ENCRYPTION_KEY must be a Fernet key (32 url-safe base64 bytes)") from None


def id_number_hash(id_number: str) -> str:
    """HMAC-SHA256 (hex) of a normalised ID number: equal numbers give equal hashes, nothing else is revealed."""
    return hmac.new(settings.ID_NUMBER_HASH_KEY.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def encrypt_id_number(id_number: str) -> str:
    return _fernet(settings.ID_NUMBER_ENCRYPTION_KEY).encrypt(id_number.encode()).decode()


def decrypt_id_number(token: str) -> str:
    """The ID number of a token made by encrypt_id_number; ImproperlyConfigured if no configured key opens it."""
    try:
        return _fernet(settings.ID_NUMBER_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured("ID number token does not open with ID_NUMBER_ENCRYPTION_KEY") from None
