from rest_framework.authtoken.models import Token

from conftest import PASSWORD


def test_api_needs_staff_token(public_client, staff_user):
    assert public_client.get("/api/v1/accounts/").status_code == 401
    token = Token.objects.create(user=staff_user)
    response = public_client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    slugs = [row["slug"] for row in response.json()["results"]]
    # customers only: never the public or the template schema
    assert "alfa" in slugs and "bravo" in slugs
    assert "public" not in slugs and "kp-template" not in slugs


def test_api_token_is_obtained_with_staff_credentials(public_client, staff_user):
    response = public_client.post("/api/v1/auth/token/", {"username": staff_user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"]


def test_openapi_schema_is_served(public_client, staff_user):
    public_client.force_login(staff_user)
    response = public_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/accounts/" in response.content.decode()
