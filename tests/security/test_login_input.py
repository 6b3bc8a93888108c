"""Login forms with hostile input: a German error, never a 500."""


def test_an_overlong_username_is_refused_not_a_server_error(client, db):
    for login in ("/admin/login/", "/konto/anmelden/"):
        response = client.post(login, {"username": "A" * 3000, "password": "falsch-falsch"})
        assert response.status_code == 200, login
