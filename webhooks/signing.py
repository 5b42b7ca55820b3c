"""The installation's signing key: generated once, kept in the database, its certificate served publicly.

Every delivery carries `Authorization: Signature <base64>`, an RSA-SHA256 (PKCS#1 v1.5) signature of the
exact body bytes, with `x-ms-signature-algorithm: rsa-sha256` and `x-ms-certificate-url` naming where
the certificate that verifies it is served, as Partner Center's webhooks do.
"""

from __future__ import annotations

import base64
import datetime as dt
from functools import lru_cache
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from partnercenter import clock

from .models import SigningKey

ALGORITHM = "rsa-sha256"


def _generate() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    host = urlsplit(settings.PORTAL_BASE_URL).hostname or "partnercenter.local"
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"webhooks.{host}"[:64])])
    now = clock.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return private_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def signing_key() -> SigningKey:
    """The one key pair, created on first use. Two processes racing create one: the unique name decides."""
    row = SigningKey.objects.filter(name="default").first()
    if row is not None:
        return row
    private_pem, cert_pem = _generate()
    try:
        with transaction.atomic():
            return SigningKey.objects.create(
                name="default", private_key_pem=private_pem, certificate_pem=cert_pem
            )
    except IntegrityError:
        return SigningKey.objects.get(name="default")


@lru_cache(maxsize=4)
def _private_key(pem: str):
    return serialization.load_pem_private_key(pem.encode(), password=None)


def sign(body: bytes) -> str:
    key = _private_key(signing_key().private_key_pem)
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()


def certificate_pem() -> str:
    return signing_key().certificate_pem


def certificate_url() -> str:
    return settings.PORTAL_BASE_URL + reverse("webhooks-certificate")


def verify(body: bytes, signature_b64: str, cert_pem: str) -> bool:
    """What a receiver does (docs/webhooks.md): check the signature with the served certificate."""
    cert = x509.load_pem_x509_certificate(cert_pem.encode())
    try:
        cert.public_key().verify(base64.b64decode(signature_b64), body, padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 - InvalidSignature or a malformed signature
        return False
    return True
