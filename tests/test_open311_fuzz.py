"""Open311 fuzzed from its OpenAPI description (schemathesis, in-process over ASGI): no answer
is a 5xx, every refusal is the spec's error document, a refused request writes nothing, and
the server keeps serving."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.open311_app import BASE, o311  # noqa: F401  (fixture)
from tests.service_city import CENTRE, GARBAGE, counts

EXAMPLES = 60           # per operation: bounded, so the file runs in well under a minute


def _error_code(response) -> int:
    kind = response.headers.get("content-type", [""])
    if (kind[0] if isinstance(kind, list) else kind).startswith("application/json"):
        body = json.loads(response.content)
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        body = [{"code": int(e.findtext("code")), "description": e.findtext("description")}
                for e in root.findall("error")]
    assert len(body) == 1 and body[0]["description"]
    return body[0]["code"]


def test_fuzzed_requests_never_fail_the_server_nor_write_on_refusal(o311):
    schema = schemathesis.openapi.from_asgi(f"{BASE}/openapi.json", o311.client.app)
    seen: dict[str, set[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case) -> None:
            if isinstance(case.body, dict) and case.body.get("api_key") is not None:
                case.body["api_key"] = o311.key       # past the key, into the fields
                if len(repr(case.body)) % 2:
                    # Half of them inside the city, with a real service: past the location,
                    # so the other fields (texts, phone, e-mail, attributes, photos) are tried.
                    case.body.update(service_code=GARBAGE, lat=CENTRE[1], long=CENTRE[0])
            before = counts(o311.db)
            response = case.call()
            status = response.status_code
            seen.setdefault(operation.label, set()).add(status)
            assert status < 500, (case.as_curl_command(), response.text)
            after = counts(o311.db)
            if status >= 400:
                assert _error_code(response) == status, response.text
                assert after == before, case.as_curl_command()
            elif case.method == "POST":
                assert after["cases"] == before["cases"] + 1

        run()
    assert len(seen) == 7
    assert 201 in seen["POST /requests.{format}"], seen
    # The server still serves: an ordinary report goes in.
    r = o311.client.post(f"{BASE}/requests.json", data={
        "api_key": o311.key, "service_code": GARBAGE, "lat": CENTRE[1], "long": CENTRE[0]})
    assert r.status_code == 201, r.text
