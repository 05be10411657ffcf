"""One validation stack: the push body published in OpenAPI is generated from the msgspec structs that
validate it, so the two cannot drift."""

from __future__ import annotations

import msgspec
import pytest

from sync.mutations import ARGS


def _push_body(client):
    spec = client.get("/api/openapi.json").get_json()
    return spec, spec["paths"]["/api/sync/push"]["post"]["requestBody"]["content"]["application/json"]["schema"]


def test_every_mutation_is_documented_with_the_fields_that_validate_it(client):
    _, body = _push_body(client)
    variants = {v["properties"]["name"]["enum"][0]: v for v in body["properties"]["mutations"]["items"]["oneOf"]}
    assert set(variants) == set(ARGS)
    for name, kind in ARGS.items():
        documented = variants[name]["properties"]["args"]
        assert documented["additionalProperties"] is False
        assert set(documented["properties"]) == {f.encode_name for f in msgspec.structs.fields(kind)}
    status_args = variants["defect.status"]["properties"]["args"]["properties"]
    assert "open" in status_args["from"]["enum"] and "teleport" not in status_args["action"]["enum"]
    assert body["properties"]["mutations"]["maxItems"] == 500


def test_the_document_is_valid_openapi(client):
    validator = pytest.importorskip("openapi_spec_validator.validation.validators")
    spec, _ = _push_body(client)
    assert [e.message[:200] for e in validator.OpenAPIV30SpecValidator(spec).iter_errors()] == []
