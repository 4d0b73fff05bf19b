"""A downloader middleware that fetches a council's papers only from the council's own site(s).

Why: a council page is outside our control. Without this, a link on it (or a redirect) to any
host is fetched and its text published as the council's evidence, including our own loopback
services and the private network sendwatch runs in (SSRF).

What may be fetched, for one council:

* hosts the config names: the council's ``url``, its ``listing.pages`` and its ``hosts`` (extra
  hosts such as a vendor-hosted copy of its site, ``host`` or ``host:port``), and redirects
  among them; a named host without a port is reached on the scheme's usual port;
* only at public addresses: a host that is, or resolves to, a loopback, private, link-local,
  multicast or otherwise non-global address is refused, unless the config names that very
  address (``url: http://127.0.0.5:8080/``, as the tests and the demo do, or an address in
  ``hosts``). A name resolving to a private address is refused whoever names it (DNS can
  change under us). The address a response actually came from is checked again.

``RedirectLoopMiddleware`` (placed before Scrapy's ``RedirectMiddleware``) turns a redirect
back to a URL already in the chain into a failure: Scrapy's duplicate filter would otherwise
drop it without a word, and a looping site would look merely empty.

Refusals raise ``IgnoreRequest`` with a sentence saying what to configure, so they reach the
spider's errback and the council's crawl report. Stats: ``sendwatch/destinations/refused``,
``sendwatch/destinations/redirect_loop``. Settings read: none; the council comes from the spider
(``spider.council``, ``councils[]``).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

DEFAULT_PORTS = {"http": 80, "https": 443}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Destination:
    """A host the config names, with the port it names (None: the scheme's usual port)."""

    host: str
    port: int | None

    @property
    def address(self) -> Address | None:
        return _literal(self.host)

    def allows(self, host: str, port: int, scheme: str) -> bool:
        return host == self.host and port == (self.port if self.port is not None else DEFAULT_PORTS.get(scheme))


def named_destinations(council: Any) -> list[Destination]:
    """Every host a council's config entry names (its url, listing pages and extra hosts)."""
    urls = [council.url or ""]
    listing = getattr(council, "listing", None)
    urls += list(getattr(listing, "pages", None) or [])
    named = [_from_url(url) for url in urls if url]
    named += [_from_host(entry) for entry in getattr(council, "hosts", None) or []]
    return [destination for destination in named if destination is not None]


def is_public(address: Address) -> bool:
    """A globally routable unicast address (an IPv4-mapped IPv6 address is judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class OwnSitesMiddleware:
    """Refuses requests that leave the council's named hosts or reach unnamed private addresses."""

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.named: list[Destination] = []
        self._resolved: dict[tuple[str, int], list[Address]] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> OwnSitesMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        council = getattr(spider, "council", None)
        self.named = named_destinations(council) if council is not None else []
        # Redirects among the named hosts are the council's own: let the same-site check agree.
        if hasattr(spider, "allowed_hosts"):
            spider.allowed_hosts |= {destination.host for destination in self.named}

    async def process_request(self, request: Request, spider: Any = None) -> None:
        parts = urlsplit(request.url)
        host = (parts.hostname or "").lower().rstrip(".")
        scheme = parts.scheme.lower()
        try:
            port = parts.port or DEFAULT_PORTS.get(scheme, 0)
        except ValueError:
            self._refuse(f"refused: {request.url} has an invalid port")
        if not any(destination.allows(host, port, scheme) for destination in self.named):
            redirected = request.meta.get("redirect_urls")
            where = f"{redirected[0]} redirects to another host" if redirected else f"{request.url} is on another host"
            self._refuse(
                f"refused: {where} ({host}:{port}), not one of the council's own; "
                "list it in the council's hosts in config.yaml to fetch from it"
            )
        for address in await self._addresses(host, port):
            self._check_address(host, port, scheme, address)
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        """The address the answer came from: DNS may have changed since the request was checked."""
        address = getattr(response, "ip_address", None)
        if address is not None and not request.meta.get("proxy"):
            parts = urlsplit(request.url)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
            self._check_address((parts.hostname or "").lower(), port, parts.scheme.lower(), ipaddress.ip_address(str(address)))
        return response

    def _check_address(self, host: str, port: int, scheme: str, address: Address) -> None:
        if is_public(address):
            return
        if any(
            destination.address == address and destination.allows(str(address), port, scheme)
            for destination in self.named
            if destination.address is not None
        ):
            return
        self._refuse(
            f"refused: {host} is at {address}, a loopback, private or reserved address; "
            "only an address named in config.yaml (the council's url or hosts) is fetched from there"
        )

    async def _addresses(self, host: str, port: int) -> list[Address]:
        literal = _literal(host)
        if literal is not None:
            return [literal]
        if (host, port) not in self._resolved:
            try:
                found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (OSError, RuntimeError):
                return []  # unresolvable here: the download fails on its own, and the answer's address is checked
            self._resolved[(host, port)] = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
        return self._resolved[(host, port)]

    def _refuse(self, reason: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("sendwatch/destinations/refused")
        raise IgnoreRequest(reason)


class RedirectLoopMiddleware:
    """Fails a request whose redirect leads back to a URL already visited on the way."""

    def __init__(self, crawler: Any):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectLoopMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        location = response.headers.get(b"Location") if 300 <= response.status < 400 else None
        if not location:
            return response
        target = urldefrag(urljoin(response.url, location.decode("latin-1").strip()))[0]
        chain = [urldefrag(url)[0] for url in [*request.meta.get("redirect_urls", []), request.url]]
        if target in chain:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("sendwatch/destinations/redirect_loop")
            shown = " -> ".join([*chain[chain.index(target) :], target])
            raise IgnoreRequest(f"redirect loop: {shown}")
        return response


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _from_url(url: str) -> Destination | None:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    return Destination((parts.hostname or "").lower().rstrip("."), port) if parts.hostname else None


def _from_host(entry: str) -> Destination | None:
    return _from_url(entry if "//" in entry else f"//{entry}")
