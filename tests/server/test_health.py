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
