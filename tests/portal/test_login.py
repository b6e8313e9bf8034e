from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD


def login(client: Client, username: str, password: str, ip: str = "10.1.1.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_chinese_by_default(client: Client, db) -> None:
    page = client.get(reverse("login")).content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page and "用户名" in page


def test_english_is_the_second_language(client: Client, db) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    page = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in page and "Sign in" in page


def test_staff_logs_in_and_sees_the_services(client: Client, li_ming) -> None:
    response = login(client, "li_ming", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    page = client.get(reverse("home")).content.decode()
    assert "李明" in page and "人脸登记" in page and "即将推出" not in page  # only what is built
    assert "监控大屏" not in page  # staff do not see the security panel


def test_home_requires_login(client: Client, db) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_wrong_password_says_so_in_chinese(client: Client, li_ming) -> None:
    page = login(client, "li_ming", "wrong").content.decode()
    assert "用户名或密码错误" in page


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client: Client, db) -> None:
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "登录" in page
