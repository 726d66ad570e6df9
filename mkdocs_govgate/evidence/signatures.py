"""Which key made a signature: SSH (in-process) or OpenPGP (gpgv with the roster's keyring)."""

from __future__ import annotations

from collections.abc import Callable

from ..i18n import Msg
from . import sshsig
from .openpgp import ARMOR_BEGIN as PGP_BEGIN
from .openpgp import OpenPgpKeyring
from .sshsig import SignatureError

GIT_NAMESPACE = "git"


def signer_key(signature: bytes, payload: bytes, namespace: str,
               keyring: Callable[[], OpenPgpKeyring | None]) -> str:
    """The roster-normalised identity (``ssh-ed25519 AAAA…`` / ``openpgp:FPR``) of the key that made
    ``signature`` over ``payload``; raises SignatureError when it does not verify."""
    text = signature.lstrip()
    if text.startswith(sshsig.ARMOR_BEGIN.encode()):
        blob = sshsig.verify_armored(signature, payload, namespace)
        return sshsig.key_line(blob)
    if text.startswith(PGP_BEGIN.encode()):
        ring = keyring()
        if ring is None:
            raise SignatureError(Msg("OpenPGP 签名，但名册中没有登记任何 OpenPGP 公钥",
                                     "OpenPGP signature, but the roster registers no OpenPGP public key"))
        return "openpgp:" + ring.verify(signature, payload)
    raise SignatureError(Msg("不支持的签名格式（只接受 SSH 与 OpenPGP 签名）",
                             "unsupported signature format (only SSH and OpenPGP signatures are accepted)"))
