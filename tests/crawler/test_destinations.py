"""Papers come only from the council's own site(s): a council page linking a private address (our own
loopback services, the network sendwatch runs in) or another host is never fetched."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml
from crawl_support import rows

from crawler.destinations import Destination, is_public, named_destinations
from sendwatch.core.config import Council, parse_config
from sendwatch.core.storage.models import Document
from sendwatch.demo.site import DemoDocument, sample_council


class _Internal(BaseHTTPRequestHandler):
    """A service on 127.0.0.1 that only this machine should reach; counts every request."""

    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        body = b"%PDF-1.4 internal secrets"
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def internal_service() -> Iterator[tuple[str, list[str]]]:
    handler = type("Internal", (_Internal,), {"hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def listing_with_a_hostile_link(demo, today, internal_service):  # type: ignore[no-untyped-def]
    """A listing council on its own loopback address whose page also links a 'paper' on 127.0.0.1."""
    origin, _ = internal_service
    council = sample_council("eastvale", "listing", today)
    meeting = council.committees[0].meetings[0]
    meeting.documents.append(
        DemoDocument("Schools Forum report (appendix)", ["Appendix."], href=f"{origin}/downloads/file/1/appendix.pdf")
    )
    return demo([council])


def test_a_link_to_127_0_0_1_from_a_council_page_on_another_address_is_not_fetched(
    listing_with_a_hostile_link, internal_service, make_config, crawl
):
    site = listing_with_a_hostile_link
    origin, hits = internal_service
    config = make_config(site, ["eastvale"])
    assert not site.origin("eastvale").startswith("http://127.0.0.1:"), "the council has an address of its own"

    result = crawl(config)["eastvale"]

    assert hits == [], "nothing, not even robots.txt, was asked of the internal service"
    refused = rows(config, Document, url=f"{origin}/downloads/file/1/appendix.pdf")
    assert refused and refused[0].fetch_state == "error" and "another host" in refused[0].fetch_error
    assert refused[0].file_path is None
    fetched = [row for row in rows(config, Document) if row.fetch_state == "ok"]
    assert fetched and all(row.url.startswith(site.origin("eastvale")) for row in fetched)
    assert result.outcome == "ok"


def test_naming_the_host_is_not_enough_for_a_name_that_resolves_to_loopback(
    listing_with_a_hostile_link, internal_service, make_config, crawl
):
    site = listing_with_a_hostile_link
    origin, hits = internal_service
    port = origin.rsplit(":", 1)[1]
    council = site.council("eastvale")
    council.committees[0].meetings[0].documents[-1].href = f"http://localhost:{port}/downloads/file/1/appendix.pdf"
    config = _with_hosts(make_config(site, ["eastvale"]), ["localhost:" + port])

    crawl(config)

    assert hits == []
    refused = rows(config, Document, url=f"http://localhost:{port}/downloads/file/1/appendix.pdf")
    assert refused and "loopback, private or reserved" in refused[0].fetch_error


def test_an_address_the_config_names_is_fetched(listing_with_a_hostile_link, internal_service, make_config, crawl):
    site = listing_with_a_hostile_link
    origin, hits = internal_service
    config = _with_hosts(make_config(site, ["eastvale"]), [origin.removeprefix("http://")])

    crawl(config)

    assert "/downloads/file/1/appendix.pdf" in hits, "fetched, robots.txt first, like any named host"


def _with_hosts(config, hosts: list[str]):  # type: ignore[no-untyped-def]
    data = config.model_dump(by_alias=True, exclude={"base_dir"}, mode="json")
    data["councils"][0]["hosts"] = hosts
    return parse_config(yaml.safe_dump(data), base_dir=config.base_dir)


# --------------------------------------------------------------------------- the rules, one by one


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.215.14", True),
        ("2a00:1450:4009:81f::200e", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("224.0.0.251", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:127.0.0.1", False),
        ("ff02::1", False),
    ],
)
def test_only_global_unicast_addresses_are_public(address, public):
    import ipaddress

    assert is_public(ipaddress.ip_address(address)) is public


def test_a_council_names_its_url_its_listing_pages_and_its_extra_hosts():
    council = Council(
        slug="eastvale",
        name="Eastvale Council",
        platform="listing",
        url="https://www.eastvale.gov.uk/forum/",
        listing={"pages": ["https://docs.eastvale.gov.uk/papers"]},
        hosts=["eastvale.moderngov.co.uk", "10.0.0.5:8080"],
    )
    assert named_destinations(council) == [
        Destination("www.eastvale.gov.uk", None),
        Destination("docs.eastvale.gov.uk", None),
        Destination("eastvale.moderngov.co.uk", None),
        Destination("10.0.0.5", 8080),
    ]
    assert Destination("www.eastvale.gov.uk", None).allows("www.eastvale.gov.uk", 443, "https")
    assert not Destination("www.eastvale.gov.uk", None).allows("www.eastvale.gov.uk", 22, "http")
    assert not Destination("10.0.0.5", 8080).allows("10.0.0.5", 80, "http")


@pytest.mark.parametrize("entry", ["https://files.example.org", "files.example.org/path", "a b"])
def test_extra_hosts_are_host_names_or_addresses_only(entry):
    with pytest.raises(ValueError):
        Council(slug="eastvale", name="Eastvale Council", platform="listing", url="https://www.eastvale.gov.uk/", hosts=[entry])
