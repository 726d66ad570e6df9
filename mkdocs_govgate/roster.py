"""signoffs/reviewers.yml: the trust store of people, roles, keys and validity windows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .dates import as_date
from .errors import GateError
from .i18n import Msg
from .policy import Policy
from .textfile import read_text
from .yamlstrict import YamlDoc, load_yaml, require_mapping

_SSH_KEY_RE = re.compile(
    r"^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(?:256|384|521)|sk-ssh-ed25519@openssh\.com|"
    r"sk-ecdsa-sha2-nistp256@openssh\.com)\s+([A-Za-z0-9+/]+={0,3})(?:\s+.*)?$")
_OPENPGP_RE = re.compile(r"^(?:openpgp:)?([0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$")
_PERSON_KEYS = {"id", "name", "unit", "roles", "keys", "valid_from", "valid_until", "title"}
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def normalise_key(key: str) -> str | None:
    """Canonical key identity: ``type base64`` for SSH (comment dropped), ``openpgp:FPR`` for OpenPGP."""
    key = key.strip()
    if match := _SSH_KEY_RE.match(key):
        return f"{match.group(1)} {match.group(2)}"
    if match := _OPENPGP_RE.match(key.replace(" ", "")):
        return "openpgp:" + match.group(1).upper()
    return None


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    unit: str
    roles: tuple[str, ...]
    keys: tuple[str, ...]          # normalised
    valid_from: dt.date | None
    valid_until: dt.date | None
    title: str = ""                # 职务, shown on the 审签表
    line: int = 0

    def valid_on(self, day: dt.date) -> bool:
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_until and day > self.valid_until)


@dataclass
class Roster:
    path: str
    people: dict[str, Person]
    compromised_keys: frozenset[str]

    def person(self, person_id: str) -> Person | None:
        return self.people.get(person_id)

    def people_for_key(self, key: str) -> list[Person]:
        normal = normalise_key(key)
        return [p for p in self.people.values() if normal and normal in p.keys]

    _holders: dict[frozenset[str], list[Person]] = field(default_factory=dict, repr=False, compare=False)

    def holders(self, roles: tuple[str, ...] | list[str]) -> list[Person]:
        """People holding any of ``roles`` (asked once per stage of every page: remembered)."""
        wanted = frozenset(roles)
        if wanted not in self._holders:
            self._holders[wanted] = [p for p in self.people.values() if set(p.roles) & wanted]
        return list(self._holders[wanted])

    @classmethod
    def load(cls, path: Path, policy: Policy, display: str | None = None) -> Roster:
        display = display or str(path)
        return cls.from_text(read_text(path, display), display, policy)

    @classmethod
    def from_text(cls, text: str, display: str, policy: Policy) -> Roster:
        return _RosterReader(load_yaml(text, display), display, policy).read()


def _as_date(value: object) -> dt.date | None | str:
    try:
        return as_date(value)
    except ValueError:
        return "bad"


class _RosterReader:
    def __init__(self, doc: YamlDoc, path: str, policy: Policy):
        self.doc, self.path, self.policy = doc, path, policy
        self.data = require_mapping(doc, Msg("审核人员名册", "the reviewer roster"))

    def fail(self, zh: str, en: str, *keys: str | int) -> GateError:
        return GateError(Msg(zh, en), self.path, self.doc.line_of(*keys) if keys else 1)

    def read(self) -> Roster:
        unknown = sorted(set(self.data) - {"people", "compromised_keys"})
        if unknown:
            raise self.fail(f"未知的设置项：{unknown[0]}", f"unknown setting: {unknown[0]}", unknown[0])
        raw_people = self.data.get("people")
        if not isinstance(raw_people, list) or not raw_people:
            raise self.fail("名册必须有 people 列表", "the roster must have a 'people' list", "people")
        people: dict[str, Person] = {}
        key_owner: dict[str, str] = {}
        for index, entry in enumerate(raw_people):
            person = self._person(index, entry)
            if person.id in people:
                raise self.fail(f"人员 id 重复：{person.id}", f"duplicate person id: {person.id}", "people", index)
            for key in person.keys:
                if key in key_owner:
                    raise self.fail(f"同一密钥登记给了两个人：{key_owner[key]} 和 {person.id}",
                                    f"one key is registered for two people: {key_owner[key]} and {person.id}",
                                    "people", index)
                key_owner[key] = person.id
            people[person.id] = person
        return Roster(self.path, people, frozenset(self._compromised()))

    def _person(self, index: int, entry: object) -> Person:
        at = ("people", index)
        if not isinstance(entry, dict):
            raise self.fail(f"第 {index + 1} 个人员条目必须是映射", f"person entry {index + 1} must be a mapping", *at)
        unknown = sorted(set(entry) - _PERSON_KEYS)
        if unknown:
            raise self.fail(f"人员条目有未知字段 {unknown[0]}", f"person entry has unknown field {unknown[0]}", *at)
        person_id = entry.get("id")
        if not isinstance(person_id, str) or not _ID_RE.match(person_id):
            raise self.fail("人员 id 必须是小写字母、数字、点、横线或下划线", "person id must be lowercase letters, digits, . _ -",
                            *at)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise self.fail(f"人员 {person_id} 缺少姓名 name", f"person {person_id} lacks a name", *at)
        roles = entry.get("roles")
        if not isinstance(roles, list) or not roles or not all(isinstance(r, str) for r in roles):
            raise self.fail(f"人员 {person_id} 的 roles 必须是非空列表", f"person {person_id}: roles must be a non-empty list",
                            *at)
        for role in roles:
            if role not in self.policy.roles:
                raise self.fail(f"人员 {person_id} 的角色 {role} 未在审核策略中定义（可用：{', '.join(sorted(self.policy.roles))}）",
                                f"person {person_id} has role {role}, which the policy does not define "
                                f"(known: {', '.join(sorted(self.policy.roles))})", *at, "roles")
        keys = entry.get("keys")
        if not isinstance(keys, list) or not keys:
            raise self.fail(f"人员 {person_id} 没有登记签名密钥（keys），无法签核",
                            f"person {person_id} has no signing keys registered (keys)", *at)
        normal_keys = []
        for key in keys:
            normal = normalise_key(key) if isinstance(key, str) else None
            if not normal:
                raise self.fail(f"人员 {person_id} 的密钥格式无法识别：{str(key)[:40]}",
                                f"person {person_id}: key not recognised: {str(key)[:40]} "
                                "(use an SSH public key line or openpgp:<fingerprint>)", *at, "keys")
            normal_keys.append(normal)
        valid_from, valid_until = _as_date(entry.get("valid_from")), _as_date(entry.get("valid_until"))
        if valid_from == "bad" or valid_until == "bad":
            raise self.fail(f"人员 {person_id} 的 valid_from/valid_until 必须是日期（YYYY-MM-DD）",
                            f"person {person_id}: valid_from/valid_until must be dates (YYYY-MM-DD)", *at)
        return Person(person_id, name.strip(), str(entry.get("unit") or ""), tuple(roles), tuple(normal_keys),
                      valid_from, valid_until, str(entry.get("title") or ""), self.doc.line_of(*at))

    def _compromised(self) -> list[str]:
        raw = self.data.get("compromised_keys", [])
        if not isinstance(raw, list):
            raise self.fail("compromised_keys 必须是列表", "compromised_keys must be a list", "compromised_keys")
        keys = []
        for key in raw:
            normal = normalise_key(key) if isinstance(key, str) else None
            if not normal:
                raise self.fail("compromised_keys 中有无法识别的密钥", "compromised_keys holds an unrecognised key",
                                "compromised_keys")
            keys.append(normal)
        return keys
