import json

import pytest

from backend.json_bytes import json_bytes, json_text

PAYLOAD = {
    "data": {
        "networkMap": {
            "nodes": [
                {"fullName": "Siân Ó Briain", "x": 0.1 + 0.2, "y": -1e-7, "visits": 3},
                {"fullName": "李小龍", "x": 1.0, "y": 2.5e20, "isolated": True, "last": None},
            ],
            "empty": [],
            "ratio": 1 / 3,
        }
    },
    "errors": [{"message": 'a "quoted" \\ line\nbreak', "path": ["networkMap", 0]}],
}


def test_the_bytes_are_compact_utf8_json_of_the_same_values():
    body = json_bytes(PAYLOAD)
    assert json.loads(body) == PAYLOAD  # floats round-trip exactly
    assert "李小龍".encode() in body  # UTF-8, not \u escapes
    # Compact: the standard library's output with its spelling of exponents (1e-07) aside.
    expected = json.dumps(PAYLOAD, separators=(",", ":"), ensure_ascii=False)
    assert len(body.decode()) == len(expected) - expected.count("e-07")


@pytest.mark.parametrize(
    "value",
    [
        {"big": 2**70},  # beyond 64 bits: orjson refuses
        {"counts": {1: "one", 2: "two"}},  # keys that are not strings: orjson refuses
    ],
)
def test_what_orjson_refuses_is_written_by_the_standard_library(value):
    assert json_text(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def test_non_finite_floats_are_null_on_both_paths():
    assert json_text({"x": float("nan"), "y": float("inf")}) == '{"x":null,"y":null}'
    assert json_text({"x": float("-inf"), "big": 2**70}) == f'{{"x":null,"big":{2**70}}}'


def test_what_neither_can_write_is_a_type_error():
    with pytest.raises(TypeError):
        json_bytes({"when": object()})
