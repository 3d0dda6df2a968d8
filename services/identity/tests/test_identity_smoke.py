from identity_kit import IdentityKit


async def test_login_and_me(kit: IdentityKit) -> None:
    response = await kit.login("resident")
    assert response.status_code == 200, response.text
    body = response.json()
    me = await kit.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200, me.text
    print(me.json())
