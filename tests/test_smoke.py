def test_login_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Đăng nhập" in response.get_data(as_text=True)
