"""SSHSIG against signatures made by the real ssh-keygen."""

from __future__ import annotations

import base64
import struct
import subprocess

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from mkdocs_govgate.evidence import sshsig
from mkdocs_govgate.evidence.sshsig import SignatureError


def ssh_sign(tmp_path, key, data: bytes, namespace: str = "git") -> bytes:
    message = tmp_path / "message"
    message.write_bytes(data)
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-n", namespace, "-f", key.signing, str(message)], check=True,
                   capture_output=True)
    return (tmp_path / "message.sig").read_bytes()


@pytest.mark.parametrize("name", ["chief1", "chief2", "webadmin1"])   # ed25519, ecdsa p256, rsa
def test_real_ssh_keygen_signatures_verify(tmp_path, keys, name):
    key = keys[name]
    signature = ssh_sign(tmp_path, key, b"payload\n")
    blob = sshsig.verify_armored(signature, b"payload\n", "git")
    assert sshsig.key_line(blob) == " ".join(key.public.split()[:2])
    with pytest.raises(SignatureError, match="invalid"):
        sshsig.verify_armored(signature, b"payload changed\n", "git")


def test_other_namespace_is_refused(tmp_path, keys):
    signature = ssh_sign(tmp_path, keys["chief1"], b"payload\n", namespace="file")
    with pytest.raises(SignatureError, match="namespace is 'file'"):
        sshsig.verify_armored(signature, b"payload\n", "git")


def test_rsa_sha1_signature_is_refused(keys):
    private = serialization.load_ssh_private_key(open(keys["webadmin1"].signing, "rb").read(), None)
    blob = sshsig.key_blob_from_line(keys["webadmin1"].public)
    data = sshsig.signed_data(b"m", "git", "sha512")
    sig = private.sign(data, padding.PKCS1v15(), hashes.SHA1())

    def string(value: bytes) -> bytes:
        return struct.pack(">I", len(value)) + value

    raw = (b"SSHSIG" + struct.pack(">I", 1) + string(blob) + string(b"git") + string(b"") + string(b"sha512")
           + string(string(b"ssh-rsa") + string(sig)))
    armored = "-----BEGIN SSH SIGNATURE-----\n" + base64.b64encode(raw).decode() + "\n-----END SSH SIGNATURE-----\n"
    with pytest.raises(SignatureError, match="SHA-1"):
        sshsig.verify_armored(armored, b"m", "git")


def test_garbage_is_refused():
    for text in ("", "-----BEGIN SSH SIGNATURE-----\n!!\n-----END SSH SIGNATURE-----",
                 "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----"):
        with pytest.raises(SignatureError):
            sshsig.verify_armored(text, b"m", "git")
