"""Policy and roster files: every mistake a site manager can make is named with its line."""

from __future__ import annotations

import pytest
from sitekit import POLICY, public_line, roster_yaml

from mkdocs_govgate.errors import GateError
from mkdocs_govgate.policy import Policy
from mkdocs_govgate.roster import Roster


def policy(text: str = POLICY) -> Policy:
    return Policy.from_text(text, "signoffs/policy.yml")


def policy_error(text: str) -> GateError:
    with pytest.raises(GateError) as info:
        policy(text)
    return info.value


def test_demo_policy_loads_with_aliases():
    loaded = policy()
    assert [s.id for s in loaded.required_stages("important")] == ["first", "second", "final", "principal"]
    assert loaded.resolve_classification("重要") == "important"
    assert loaded.resolve_classification("secret-ish") is None


def test_stage_no_classification_uses_is_refused():
    text = POLICY.replace("  superior:  {title: 上级领导批示, roles: [superior_leader]}\n",
                          "  superior:  {title: 上级领导批示, roles: [superior_leader]}\n"
                          "  extra:     {title: 额外, roles: [admin]}\n")
    error = policy_error(text)
    assert "extra" in error.render() and error.line == 16


def test_classification_naming_undefined_stage_is_refused():
    error = policy_error(POLICY.replace("general:   [first, second, final]", "general:   [first, secnd, final]"))
    assert "secnd" in error.render() and error.line == 17


def test_stage_with_undefined_role_is_refused():
    error = policy_error(POLICY.replace("roles: [section_chief]}", "roles: [section_cheif]}"))
    assert "section_cheif" in error.render()


def test_misspelt_setting_is_refused():
    error = policy_error(POLICY + "seperation_of_duties: false\n")
    assert "seperation_of_duties" in error.render()


def test_boolean_settings_must_be_booleans():
    error = policy_error(POLICY.replace("ordered: true", "ordered: 'no'"))
    assert "ordered" in error.render()


def roster_error(text: str) -> GateError:
    with pytest.raises(GateError) as info:
        Roster.from_text(text, "signoffs/reviewers.yml", policy())
    return info.value


def test_roster_loads_and_finds_people_by_key():
    roster = Roster.from_text(roster_yaml(), "signoffs/reviewers.yml", policy())
    assert [p.id for p in roster.people_for_key(public_line("chief1"))] == ["chief1"]
    assert roster.people_for_key("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDoesNotExist") == []


def test_person_without_keys_is_refused():
    text = roster_yaml().replace(f'    keys: ["{public_line("chief1")}"]', "    keys: []")
    error = roster_error(text)
    assert "chief1" in error.render() and "keys" in error.render()
    assert error.line > 1


def test_unknown_role_is_refused():
    error = roster_error(roster_yaml().replace("roles: [section_chief]", "roles: [boss]", 1))
    assert "boss" in error.render()


def test_duplicate_person_and_shared_key_are_refused():
    text = roster_yaml()
    assert "重复" in roster_error(text + text.split("\n", 1)[1]).render()
    shared = text.replace(public_line("chief2"), public_line("chief1"))
    assert "two people" in roster_error(shared).render("en")


def test_bad_validity_date_is_refused():
    error = roster_error(roster_yaml(overrides={"chief1": {"valid_until": "next-week"}}))
    assert "valid_until" in error.render()
