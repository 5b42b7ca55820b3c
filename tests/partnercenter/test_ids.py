"""The one parser of ids from request input: ASCII digits that fit a 64-bit key, or a UUID; else None."""

import uuid

import pytest

from partnercenter.ids import MAX_PK, parse_pk, parse_uuid


@pytest.mark.parametrize(
    "value",
    ["²", "1²", "①", "٣", "１", "-1", "0", "+5", "1.5", " ", "", "9" * 20, "9" * 5000, "😀", None, True, [1]],
)
def test_anything_but_plain_digits_is_no_pk(value):
    assert parse_pk(value) is None


def test_plain_digits_and_ints_are_pks():
    assert parse_pk(" 42 ") == 42
    assert parse_pk(7) == 7
    assert parse_pk(str(MAX_PK)) == MAX_PK and parse_pk(str(MAX_PK + 1)) is None


def test_uuids():
    value = uuid.uuid4()
    assert parse_uuid(str(value)) == value and parse_uuid(value) == value
    assert parse_uuid(f" {str(value).upper()} ") == value
    assert parse_uuid("٠" * 32) is None  # uuid.UUID would read Arabic-Indic digits as the nil UUID
    assert parse_uuid("²") is None and parse_uuid("x" * 5000) is None and parse_uuid(None) is None
