"""The store's admin side: revisions and rollback, roles, the audit log, ratings and review."""

import sqlite3
from dataclasses import replace

import pytest

from bot.store import NotFoundError


@pytest.fixture
def seeded(store, seed):
    store.seed_faq(*seed)
    return store


def test_every_faq_change_makes_a_revision_with_old_and_new_text_and_an_audit_entry(seeded):
    version = seeded.faq_version()
    old = seeded.faq_entry("contact")
    new = replace(old, answer="新的答案 {contact_phone}")
    assert seeded.save_entry(new, "telegram:1")
    assert not seeded.save_entry(new, "telegram:1")  # saving the same text changes nothing
    [revision] = seeded.entry_history("contact")
    assert (revision.action, revision.actor, revision.before, revision.after) == ("update", "telegram:1", old, new)
    assert seeded.faq_version() == version + 1
    audit = seeded.audit_entries()[0]
    assert (audit["actor"], audit["action"], audit["target"]) == ("telegram:1", "faq.update", "contact")
    assert "新的答案" in audit["after"] and old.answer[:10] in audit["before"]


def test_an_entry_can_be_rolled_back_to_any_revision_even_after_deletion(seeded):
    original = seeded.faq_entry("contact")
    seeded.save_entry(replace(original, answer="第二版"), "cli")
    seeded.delete_entry("contact", "cli")
    with pytest.raises(NotFoundError):
        seeded.faq_entry("contact")
    second = seeded.entry_history("contact")[1]  # newest first: delete, update
    assert seeded.rollback_entry("contact", second.id, "cli").answer == "第二版"
    assert seeded.faq_entry("contact").answer == "第二版"
    assert seeded.entry_history("contact")[0].action == "rollback"


def test_a_new_entry_goes_after_the_others(seeded, seed):
    _, entries = seed
    seeded.save_entry(replace(entries[0], id="new-entry"), "cli")
    assert [e.id for e in seeded.faq_entries()][-1] == "new-entry"
    assert seeded.entry_history("new-entry")[0].action == "create"


def test_an_import_applies_in_one_transaction_with_a_revision_per_changed_entry(seeded, seed):
    _, entries = seed
    changed = [replace(entries[0], answer="改过 {contact_phone}"), entries[1], replace(entries[0], id="brand-new")]
    assert seeded.apply_import(changed, ["contact"], "cli") == 3
    assert seeded.faq_entry("brand-new")
    assert [r.action for r in seeded.entry_history(entries[0].id)] == ["import"]
    assert seeded.entry_history(entries[1].id) == []  # unchanged: no revision
    assert seeded.entry_history("contact")[0].action == "delete"


def test_a_failed_import_changes_nothing(seeded, seed):
    _, entries = seed
    bad = [replace(entries[0], answer="改过"), replace(entries[1], category="no-such-category")]
    version = seeded.faq_version()
    with pytest.raises(sqlite3.IntegrityError):  # the foreign key on category
        seeded.apply_import(bad, [], "cli")
    assert seeded.faq_entry(entries[0].id) == entries[0]
    assert seeded.faq_version() == version
    assert seeded.entry_history(entries[0].id) == []


def test_roles_are_granted_listed_and_revoked_with_an_audit_trail(store):
    store.touch_user("telegram", "5", "小李")
    store.grant_role("telegram", "5", "ambassador", "telegram:1", city="武汉", campus="武汉大学")
    [grant] = store.role_grants()
    assert (grant.role, grant.city, grant.campus, grant.name, grant.granted_by) == (
        "ambassador",
        "武汉",
        "武汉大学",
        "小李",
        "telegram:1",
    )
    assert store.revoke_role("telegram", "5", "ambassador", "telegram:1")
    assert not store.revoke_role("telegram", "5", "ambassador", "telegram:1")
    assert store.roles_of("telegram", "5") == []
    assert [a["action"] for a in store.audit_entries()] == ["role.revoke", "role.grant"]


def test_ratings_and_review_list(store):
    answered = store.log_question("telegram", "9", "实习补贴", "answer", "internship-subsidy", 0.8)
    store.log_question("telegram", "9", "天气", "none", None, 0.1)
    store.log_question("telegram", "9", "三支一扶", "answer", "sanzhi-yifu", 0.9)
    assert not store.rate_question(answered, "telegram", "10", -1)  # not their question
    assert store.rate_question(answered, "telegram", "9", -1)
    review = store.questions_to_review(since="2000-01-01")
    assert [q.text for q in review] == ["实习补贴", "天气"]
    assert review[0].rating == -1
