"""The phone's refusals read as the console's: every code the field services can raise has the
console's Chinese sentence in console/services/field_messages.py, word for word."""
from __future__ import annotations

import inspect
import re

import pytest

from console.common import messages
from console.common.i18n import install_translators
from console.domain import limits, workflow
from console.domain.errors import DomainError, NotFound, StaleVersion
from console.services import actor, cases, field_messages, field_reports, field_tasks
from tests.test_translations import SAMPLE_PARAMS

_RAISED = re.compile(r'DomainError\(\s*"(\w+)"')


def phone_codes() -> set[str]:
    """Codes raised on the phone's paths: 上报 (cases.report and what it calls), a 核查 answer
    (the workflow's add_note), the text and count limits, the permission check."""
    sources = [cases.report, cases.category, cases.validate_phone, limits, actor.authorize,
               workflow.perform, field_reports, field_tasks]
    codes = {"stale_version", "not_found"}      # the StaleVersion and NotFound subclasses
    for source in sources:
        codes |= set(_RAISED.findall(inspect.getsource(source)))
    return codes


@pytest.fixture(scope="module")
def chinese(qapp):
    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


def test_every_code_the_phone_can_meet_has_a_sentence():
    assert phone_codes() - set(field_messages.SENTENCES) == set()


@pytest.mark.parametrize("code", sorted(field_messages.SENTENCES))
def test_the_phone_says_what_the_console_says(chinese, code):
    exc = DomainError(code)
    exc.params.update(SAMPLE_PARAMS)
    assert field_messages.sentence(exc) == messages.describe_error(exc)


@pytest.mark.parametrize("kind, values", [
    ("action", ["report", "add_note", "close", "request_check"]),
    ("role", ["patrol", "dispatcher", "leader", "admin"]),
    ("field", sorted(field_messages.NAMES["field"])),
    ("status", sorted(field_messages.NAMES["status"])),
    ("what", sorted(field_messages.NAMES["what"])),
])
def test_codes_inside_sentences_are_named_as_the_console_names_them(chinese, kind, values):
    code = {"action": "role_not_allowed", "role": "role_not_allowed", "field": "text_too_long",
            "status": "action_not_allowed_in_state", "what": "not_found"}[kind]
    for value in values:
        exc = DomainError(code, **(SAMPLE_PARAMS | {kind: value}))
        assert field_messages.sentence(exc) == messages.describe_error(exc), value


def test_the_subclasses_and_unknown_codes(chinese):
    for exc in (StaleVersion("202611260042", 3, 4), NotFound("patrol", 7),
                DomainError("brand_new_rule")):
        assert field_messages.sentence(exc) == messages.describe_error(exc)
    refused = field_reports.refusal_of(DomainError("text_too_long", field="description",
                                                   limit=2000))
    assert (refused.code, refused.message) == ("text_too_long", "问题描述过长，最多 2000 个字符。")
