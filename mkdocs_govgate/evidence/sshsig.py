"""SSHSIG verification in-process (the format of ``ssh-keygen -Y sign`` and ``git commit -S`` with SSH).

Format: PROTOCOL.sshsig in OpenSSH.  Only the algorithms below are accepted; ``ssh-rsa``
(SHA-1) signatures, security-key (``sk-``) keys and certificates are refused.
"""

from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass

from ..i18n import Msg

MAGIC = b"SSHSIG"
ARMOR_BEGIN = "-----BEGIN SSH SIGNATURE-----"
ARMOR_END = "-----END SSH SIGNATURE-----"
HASHES = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}
# key type → (curve name in the key, cryptography's curve, hash); names only: `cryptography` (7 MB) is
# imported when a signature is first checked, which a build with a warm cache never does
_ECDSA = {
    "ecdsa-sha2-nistp256": (b"nistp256", "SECP256R1", "SHA256"),
    "ecdsa-sha2-nistp384": (b"nistp384", "SECP384R1", "SHA384"),
    "ecdsa-sha2-nistp521": (b"nistp521", "SECP521R1", "SHA512"),
}
_RSA_SIG = {"rsa-sha2-256": "SHA256", "rsa-sha2-512": "SHA512"}
MIN_RSA_BITS = 2048


class SignatureError(Exception):
    def __init__(self, message: Msg):
        super().__init__(message.en)
        self.message = message


def _fail(zh: str, en: str) -> SignatureError:
    return SignatureError(Msg(zh, en))


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0

    def string(self) -> bytes:
        if self.pos + 4 > len(self.data):
            raise _fail("SSH 签名数据被截断", "SSH signature data is truncated")
        (length,) = struct.unpack(">I", self.data[self.pos:self.pos + 4])
        start = self.pos + 4
        if start + length > len(self.data):
            raise _fail("SSH 签名数据被截断", "SSH signature data is truncated")
        self.pos = start + length
        return self.data[start:self.pos]

    def uint32(self) -> int:
        if self.pos + 4 > len(self.data):
            raise _fail("SSH 签名数据被截断", "SSH signature data is truncated")
        (value,) = struct.unpack(">I", self.data[self.pos:self.pos + 4])
        self.pos += 4
        return value

    def mpint(self) -> int:
        return int.from_bytes(self.string(), "big", signed=True)

    def done(self) -> None:
        if self.pos != len(self.data):
            raise _fail("SSH 签名数据末尾有多余字节", "SSH signature data has trailing bytes")


def _string(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


@dataclass(frozen=True)
class SshSignature:
    public_key: bytes        # the SSH wire-format public key blob
    namespace: str
    hash_algorithm: str
    sig_format: str
    sig_bytes: bytes


def key_blob_from_line(line: str) -> bytes:
    """``ssh-ed25519 AAAA… comment`` → wire-format blob (the key's identity)."""
    parts = line.split()
    if len(parts) < 2:
        raise _fail("SSH 公钥格式错误", "malformed SSH public key")
    try:
        blob = base64.b64decode(parts[1], validate=True)
    except ValueError:      # binascii.Error, or a non-ASCII character (a str argument)
        raise _fail("SSH 公钥不是有效的 base64", "SSH public key is not valid base64") from None
    if _Reader(blob).string().decode("ascii", errors="replace") != parts[0]:
        raise _fail("SSH 公钥类型与内容不符", "SSH public key type does not match its data")
    return blob


def key_fingerprint(blob: bytes) -> str:
    """The ``SHA256:…`` fingerprint ssh-keygen shows."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def key_line(blob: bytes) -> str:
    return f"{_Reader(blob).string().decode('ascii')} {base64.b64encode(blob).decode()}"


def parse_armored(text: bytes | str) -> SshSignature:
    if isinstance(text, bytes):
        text = text.decode("ascii", errors="replace")
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 3 or lines[0] != ARMOR_BEGIN or lines[-1] != ARMOR_END:
        raise _fail("不是 SSH 签名（缺少 BEGIN/END SSH SIGNATURE）", "not an SSH signature (no BEGIN/END SSH SIGNATURE)")
    try:
        blob = base64.b64decode("".join(lines[1:-1]), validate=True)
    except ValueError:      # binascii.Error, or a non-ASCII character (a str argument)
        raise _fail("SSH 签名不是有效的 base64", "SSH signature is not valid base64") from None
    if not blob.startswith(MAGIC):
        raise _fail("SSH 签名缺少 SSHSIG 标识", "SSH signature lacks the SSHSIG magic")
    reader = _Reader(blob[len(MAGIC):])
    version = reader.uint32()
    if version != 1:
        raise _fail(f"不支持的 SSH 签名版本 {version}", f"unsupported SSH signature version {version}")
    public_key = reader.string()
    namespace = reader.string().decode("utf-8", errors="replace")
    reader.string()  # reserved
    hash_algorithm = reader.string().decode("ascii", errors="replace")
    signature = reader.string()
    reader.done()
    sig_reader = _Reader(signature)
    sig_format = sig_reader.string().decode("ascii", errors="replace")
    sig_bytes = sig_reader.string()
    if sig_format.startswith("sk-"):
        raise _fail("不支持安全密钥（sk-）签名", "security-key (sk-) signatures are not supported")
    sig_reader.done()
    return SshSignature(public_key, namespace, hash_algorithm, sig_format, sig_bytes)


def signed_data(message: bytes, namespace: str, hash_algorithm: str) -> bytes:
    digest = HASHES[hash_algorithm](message).digest()
    return MAGIC + _string(namespace.encode()) + _string(b"") + _string(hash_algorithm.encode()) + _string(digest)


def verify(signature: SshSignature, message: bytes, namespace: str) -> bytes:
    """Verify ``signature`` over ``message``; return the signer's key blob, or raise SignatureError.

    The caller decides whether that key is trusted: this only proves who signed.
    """
    if signature.namespace != namespace:
        raise _fail(f"SSH 签名的命名空间是“{signature.namespace}”，必须是“{namespace}”",
                    f"SSH signature namespace is '{signature.namespace}', it must be '{namespace}'")
    if signature.hash_algorithm not in HASHES:
        raise _fail(f"不支持的哈希算法 {signature.hash_algorithm}", f"unsupported hash algorithm {signature.hash_algorithm}")
    data = signed_data(message, namespace, signature.hash_algorithm)
    key_reader = _Reader(signature.public_key)
    key_type = key_reader.string().decode("ascii", errors="replace")
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415 - see _ECDSA
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: PLC0415

    try:
        if key_type == "ssh-ed25519":
            raw = key_reader.string()
            key_reader.done()
            if signature.sig_format != "ssh-ed25519" or len(raw) != 32:
                raise _fail("Ed25519 签名格式错误", "malformed Ed25519 signature")
            Ed25519PublicKey.from_public_bytes(raw).verify(signature.sig_bytes, data)
        elif key_type in _ECDSA:
            curve_name, curve_class, hash_name = _ECDSA[key_type]
            curve, hash_algo = getattr(ec, curve_class)(), getattr(hashes, hash_name)()
            if key_reader.string() != curve_name or signature.sig_format != key_type:
                raise _fail("ECDSA 签名曲线不符", "ECDSA signature curve mismatch")
            point = key_reader.string()
            key_reader.done()
            public = ec.EllipticCurvePublicKey.from_encoded_point(curve, point)
            sig_reader = _Reader(signature.sig_bytes)
            r, s = sig_reader.mpint(), sig_reader.mpint()
            sig_reader.done()
            public.verify(encode_dss_signature(r, s), data, ec.ECDSA(hash_algo))
        elif key_type == "ssh-rsa":
            if signature.sig_format not in _RSA_SIG:
                raise _fail(f"拒绝 RSA 签名算法 {signature.sig_format}（SHA-1 不安全，需 rsa-sha2-256/512）",
                            f"RSA signature algorithm {signature.sig_format} refused (SHA-1; use rsa-sha2-256/512)")
            e, n = key_reader.mpint(), key_reader.mpint()
            key_reader.done()
            if n.bit_length() < MIN_RSA_BITS:
                raise _fail(f"RSA 密钥太短（{n.bit_length()} 位）", f"RSA key too short ({n.bit_length()} bits)")
            public_rsa = rsa.RSAPublicNumbers(e, n).public_key()
            public_rsa.verify(signature.sig_bytes, data, padding.PKCS1v15(), getattr(hashes, _RSA_SIG[signature.sig_format])())
        else:
            raise _fail(f"不支持的 SSH 密钥类型 {key_type}", f"unsupported SSH key type {key_type}")
    except InvalidSignature:
        raise _fail("SSH 签名无效（内容被改动或密钥不符）", "SSH signature is invalid (content changed or wrong key)") from None
    except ValueError as exc:
        raise _fail(f"SSH 签名或公钥格式错误：{exc}", f"malformed SSH signature or key: {exc}") from None
    return signature.public_key


def verify_armored(armored: bytes | str, message: bytes, namespace: str) -> bytes:
    return verify(parse_armored(armored), message, namespace)


def sign(private_key: object, public_blob: bytes, message: bytes, namespace: str) -> str:
    """Make an armored SSHSIG with an in-process key (Ed25519 only): used by benchmarks and tests."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    assert isinstance(private_key, Ed25519PrivateKey)
    sig = private_key.sign(signed_data(message, namespace, "sha512"))
    blob = (MAGIC + struct.pack(">I", 1) + _string(public_blob) + _string(namespace.encode()) + _string(b"")
            + _string(b"sha512") + _string(_string(b"ssh-ed25519") + _string(sig)))
    body = base64.b64encode(blob).decode()
    lines = [body[i:i + 70] for i in range(0, len(body), 70)]
    return "\n".join([ARMOR_BEGIN, *lines, ARMOR_END]) + "\n"
