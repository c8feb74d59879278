"""Behind a reverse proxy every request comes from the proxy's address. With the proxy named
in CANCUOC_TRUSTED_PROXIES, the per-address limits (the citizen lookup, the public pages,
failed logins) count each citizen by the address the proxy saw; without it, X-Forwarded-For
is ignored, so a client cannot choose the address it is counted under."""

from datetime import date

from django.test import RequestFactory

from cancuoc.lib.client_address import client_ip
from cancuoc.scheduling.public import LOOKUPS_PER_ADDRESS

PROXY = "10.0.0.5"


def ip_of(remote: str, forwarded: str | None = None) -> str | None:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.CANCUOC_TRUSTED_PROXIES = []
    assert ip_of("198.51.100.1", "203.0.113.9") == "198.51.100.1"


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_clients(settings):
    settings.CANCUOC_TRUSTED_PROXIES = [PROXY]
    assert ip_of(PROXY, "203.0.113.9") == "203.0.113.9"
    # What the client wrote itself (left of what the proxy appended) is not believed.
    assert ip_of(PROXY, "1.1.1.1, 203.0.113.9") == "203.0.113.9"
    # An address that is not a trusted proxy cannot forward for anyone.
    assert ip_of("198.51.100.1", "203.0.113.9") == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.CANCUOC_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    assert ip_of(PROXY, "1.1.1.1, 203.0.113.9, 10.1.2.3") == "203.0.113.9"
    assert ip_of("2001:db8::1", "[2001:db8:1::7]:443, 203.0.113.9:5678") == "203.0.113.9"
    assert ip_of(PROXY, "2001:db8::8, 10.1.2.3") == PROXY  # no client beyond the proxies


def test_a_proxy_that_names_no_usable_client_counts_as_itself(settings):
    settings.CANCUOC_TRUSTED_PROXIES = [PROXY]
    assert ip_of(PROXY) == PROXY
    assert ip_of(PROXY, "") == PROXY
    assert ip_of(PROXY, "203.0.113.9, not-an-address") == PROXY


def look_up(client, n: int, *, remote: str, forwarded: str):
    """A lookup of an ID number nobody has: every one counts against the address."""
    return client.post(
        "/tra-cuu/",
        {"so_dinh_danh": f"03808{n:07}", "ngay_sinh": date(1980, 1, 1).isoformat()},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_a_client_cannot_escape_the_lookup_limit_by_forging_the_header(client, area, settings):
    settings.CANCUOC_TRUSTED_PROXIES = []
    for n in range(LOOKUPS_PER_ADDRESS):
        assert (
            look_up(client, n, remote="198.51.100.1", forwarded=f"203.0.113.{n}").status_code == 200
        )
    assert look_up(client, 99, remote="198.51.100.1", forwarded="203.0.113.99").status_code == 429


def test_two_citizens_behind_a_trusted_proxy_have_their_own_lookup_limits(client, area, settings):
    settings.CANCUOC_TRUSTED_PROXIES = [PROXY]
    for n in range(LOOKUPS_PER_ADDRESS):
        assert look_up(client, n, remote=PROXY, forwarded="203.0.113.1").status_code == 200
    assert look_up(client, 98, remote=PROXY, forwarded="203.0.113.1").status_code == 429
    assert look_up(client, 99, remote=PROXY, forwarded="203.0.113.2").status_code == 200


def test_two_citizens_behind_a_trusted_proxy_have_their_own_page_limits(client, area, settings):
    settings.CANCUOC_TRUSTED_PROXIES = [PROXY]
    settings.CANCUOC_PUBLIC_PAGES_PER_MINUTE = 2
    for _ in range(2):
        answer = client.get("/lich/16000/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
        assert answer.status_code == 200
    first = client.get("/lich/16000/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.1")
    other = client.get("/lich/16000/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert (first.status_code, other.status_code) == (429, 200)


PASSWORD = "mat-khau-du-dai-2021"


def log_in(client, password: str, forwarded: str):
    return client.post(
        "/tai-khoan/dang-nhap/",
        {"username": "canbo", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_failed_logins_lock_out_the_citizen_behind_the_proxy_not_everyone(
    client, area, settings, django_user_model
):
    settings.CANCUOC_TRUSTED_PROXIES = [PROXY]
    django_user_model.objects.create_user("canbo", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "sai", forwarded="203.0.113.66")
    assert log_in(client, PASSWORD, forwarded="203.0.113.66").status_code == 429
    assert log_in(client, PASSWORD, forwarded="203.0.113.10").status_code == 302
