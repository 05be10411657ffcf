import pytest


def test_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_readyz_touches_database(client):
    assert client.get("/readyz").status_code == 200


def test_openapi_document_and_local_docs(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["info"]["title"].startswith("验收")
    assert "/api/auth/login" in spec["paths"]
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/api/docs/assets/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    with client.get("/api/docs/assets/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200


def test_unknown_route_is_json_404(client):
    r = client.get("/api/nope")
    assert r.status_code == 404
    assert r.get_json()["message"]


def test_request_id_is_echoed_or_made(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc123"}).headers["X-Request-ID"] == "abc123"
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32


def test_validation_errors_name_the_fields_in_both_languages(client):
    r = client.post("/api/auth/login", json={"username": 5})
    assert r.status_code == 422
    body = r.get_json()
    assert body["message"].startswith("请求内容有误 / The request has invalid fields")
    assert "password" in body["message"] and "username" in body["message"]
    assert set(body["errors"]["json"]) == {"username", "password"}


def test_malformed_json_is_a_clear_400(client):
    r = client.post("/api/auth/login", data="{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert r.get_json()["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/auth/login", '{"username": "a\\u0000b", "password": "x"}'),
        ("/api/auth/login", '{"username": "ab", "password": "x\\U0000"}'),
        ("/api/auth/login?x=%00", '{"username": "ab", "password": "x"}'),
    ],
)
def test_nul_characters_are_refused_before_reaching_the_database(client, path, body):
    r = client.post(path, data=body, content_type="application/json")
    assert r.status_code == 400
    assert "NUL" in r.get_json()["message"]


def test_an_escaped_backslash_before_u0000_is_ordinary_text(client):
    r = client.post(
        "/api/auth/login", data='{"username": "a\\\\u0000", "password": "x"}', content_type="application/json"
    )
    assert r.status_code == 401
