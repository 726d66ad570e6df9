"""OpenPGP signatures checked with ``gpgv`` against a private keyring built only from the roster.

The user's keyring, trust database and ``gpg.conf`` are never consulted: gpgv runs with a
temporary home and ``--keyring`` pointing at keys read from the trust store
(``signoffs/keys/<FINGERPRINT>.asc``), each checked to carry exactly the fingerprint the
roster names.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..i18n import Msg
from .sshsig import SignatureError

ARMOR_BEGIN = "-----BEGIN PGP SIGNATURE-----"
KEYS_DIR = "keys"   # inside signoffs/
_REFUSED_STATUS = {
    "BADSIG": Msg("OpenPGP 签名无效", "OpenPGP signature is bad"),
    "ERRSIG": Msg("OpenPGP 签名无法核验（密钥不在名册中或算法不支持）",
                  "OpenPGP signature cannot be checked (key not in the roster or unsupported algorithm)"),
    "EXPKEYSIG": Msg("OpenPGP 签名密钥已过期", "OpenPGP signing key has expired"),
    "REVKEYSIG": Msg("OpenPGP 签名密钥已被吊销", "OpenPGP signing key is revoked"),
    "EXPSIG": Msg("OpenPGP 签名已过期", "OpenPGP signature has expired"),
    "NO_PUBKEY": Msg("OpenPGP 签名密钥不在名册登记的公钥中", "OpenPGP signing key is not among the roster's public keys"),
}


def _gpg_binary(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise SignatureError(Msg(f"找不到 {name}，无法核验 OpenPGP 签名", f"{name} is not installed: cannot check OpenPGP "
                                 "signatures"))
    return path


def primary_fingerprints(colons: str, record: str) -> list[str]:
    """Fingerprints of the primary keys (``pub`` or ``sec`` records) in a ``gpg --with-colons`` listing."""
    found, expect_fpr = [], False
    for line in colons.splitlines():
        fields = line.split(":")
        if fields[0] == record:
            expect_fpr = True
        elif fields[0] == "fpr" and expect_fpr:
            found.append(fields[9].upper())
            expect_fpr = False
    return found


def key_file_path(fingerprint: str) -> str:
    return f"{KEYS_DIR}/{fingerprint.upper()}.asc"


class OpenPgpKeyring:
    """A throw-away GnuPG home and keyring holding exactly the given public keys."""

    def __init__(self, keys: dict[str, bytes]):
        """``keys``: roster fingerprint (upper-case hex) → armored public key file bytes."""
        self.home = Path(tempfile.mkdtemp(prefix="govgate-gpg-"))
        self.home.chmod(0o700)
        self.keyring = self.home / "roster.gpg"
        blobs = []
        for fingerprint, armored in sorted(keys.items()):
            self._check_fingerprint(fingerprint, armored)
            blobs.append(self._gpg("--dearmor", input=armored))
        self.keyring.write_bytes(b"".join(blobs))

    def close(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)

    def _gpg(self, *args: str, input: bytes) -> bytes:
        proc = subprocess.run([_gpg_binary("gpg"), "--batch", "--no-options", "--homedir", str(self.home), *args],
                              input=input, capture_output=True, check=False)
        if proc.returncode != 0:
            raise SignatureError(Msg(f"无法读取 OpenPGP 公钥：{proc.stderr.decode(errors='replace').strip()[:200]}",
                                     f"cannot read OpenPGP public key: {proc.stderr.decode(errors='replace').strip()[:200]}"))
        return proc.stdout

    def _check_fingerprint(self, fingerprint: str, armored: bytes) -> None:
        listing = self._gpg("--with-colons", "--import-options", "show-only", "--import", input=armored)
        primaries = primary_fingerprints(listing.decode("utf-8", errors="replace"), "pub")
        if primaries != [fingerprint.upper()]:
            raise SignatureError(Msg(
                f"公钥文件 {key_file_path(fingerprint)} 的指纹（{', '.join(primaries) or '无'}）与名册登记的 {fingerprint} 不符",
                f"key file {key_file_path(fingerprint)} holds fingerprint(s) {', '.join(primaries) or 'none'}, "
                f"not {fingerprint} as the roster says"))

    def verify(self, signature: bytes, payload: bytes) -> str:
        """Return the PRIMARY key fingerprint of a good, valid signature; raise SignatureError otherwise."""
        with tempfile.NamedTemporaryFile(dir=self.home, suffix=".sig", delete=False) as handle:
            handle.write(signature)
            sig_path = handle.name
        try:
            proc = subprocess.run(
                [_gpg_binary("gpgv"), "--homedir", str(self.home), "--keyring", str(self.keyring),
                 "--status-fd", "1", sig_path, "-"],
                input=payload, capture_output=True, check=False)
        finally:
            Path(sig_path).unlink(missing_ok=True)
        return parse_status(proc.stdout.decode("utf-8", errors="replace"), proc.returncode)


def parse_status(status: str, returncode: int) -> str:
    goodsig = False
    validsig: list[str] = []
    for line in status.splitlines():
        if not line.startswith("[GNUPG:] "):
            continue
        fields = line[len("[GNUPG:] "):].split()
        keyword = fields[0] if fields else ""
        if keyword in _REFUSED_STATUS:
            raise SignatureError(_REFUSED_STATUS[keyword])
        if keyword == "GOODSIG":
            if goodsig:
                raise SignatureError(Msg("OpenPGP 签名数据含有多个签名", "OpenPGP data carries more than one signature"))
            goodsig = True
        elif keyword == "VALIDSIG":
            if validsig:
                raise SignatureError(Msg("OpenPGP 签名数据含有多个签名", "OpenPGP data carries more than one signature"))
            validsig = fields[1:]
    if returncode != 0 or not goodsig or not validsig:
        raise SignatureError(Msg("OpenPGP 签名未通过核验", "OpenPGP signature did not verify"))
    # VALIDSIG <fpr> <date> <ts> <expire> <ver> <reserved> <pk-algo> <hash-algo> <class> <primary-fpr>
    return (validsig[9] if len(validsig) >= 10 else validsig[0]).upper()


class RosterKeyring:
    """The roster's OpenPGP keys (``<trust_dir>/keys/<FPR>.asc``), built on first use, and nothing else.

    Callable: returns the keyring (``None`` when the roster has no OpenPGP key) or raises
    SignatureError when the key files are unusable, every time it is asked.
    """

    def __init__(self, roster, trust_dir: Path | None):   # roster: Roster (kept untyped: no import cycle)
        self.roster, self.trust_dir = roster, trust_dir
        self._keyring: OpenPgpKeyring | None = None
        self._error: Msg | None = None
        self._built = False

    def __call__(self) -> OpenPgpKeyring | None:
        if not self._built:
            self._built = True
            keys = {}
            for person in self.roster.people.values():
                for key in person.keys:
                    fpr = key.split(":", 1)[1] if key.startswith("openpgp:") else None
                    if fpr and self.trust_dir and (self.trust_dir / key_file_path(fpr)).is_file():
                        keys[fpr] = (self.trust_dir / key_file_path(fpr)).read_bytes()
            try:
                self._keyring = OpenPgpKeyring(keys) if keys else None
            except SignatureError as exc:
                self._error = exc.message
        if self._error is not None:
            raise SignatureError(self._error)
        return self._keyring

    def close(self) -> None:
        if self._keyring is not None:
            self._keyring.close()
