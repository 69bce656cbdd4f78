"""Requests Kassa makes to addresses others chose (a tenant's webhook endpoint, a browser's push
service): never to a private, loopback or link-local address unless allowed (a receiver on the
same network, the tests' 127.0.0.1). The host is resolved once, by CheckedResolver, and only
the addresses it let through are connected to: no second lookup a DNS answer could change in
between. Redirects are the caller's to refuse (`allow_redirects=False`)."""
from __future__ import annotations

import contextlib
import ipaddress
import socket
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver


class RefusedAddress(Exception):
    """The host is, or resolves only to, addresses this request may not reach."""


def refuse_unless_public(host: str, addresses: list[str], allow_private: bool) -> None:
    refused = [address for address in addresses if not ipaddress.ip_address(address).is_global]
    if refused and not allow_private:
        raise RefusedAddress(f"{host} is {', '.join(refused)}: private, loopback and link-local addresses are refused")


class CheckedResolver(AbstractResolver):
    """Resolves each host once per connection and hands aiohttp only the addresses the request
    may reach: the connection goes to exactly the address checked (no second lookup a DNS
    answer could change in between)."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self.system = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[dict]:
        found = await self.system.resolve(host, port, family)
        refuse_unless_public(host, [entry["host"] for entry in found], self.allow_private)
        return found

    async def close(self) -> None:
        await self.system.close()


def refuse_address_literal(url: str, allow_private: bool) -> None:
    """An address written in the URL itself: aiohttp asks no resolver for it, so it is checked here."""
    host = urlsplit(url).hostname or ""
    with contextlib.suppress(ValueError):  # a name, not an address: the resolver checks it
        refuse_unless_public(host, [str(ipaddress.ip_address(host))], allow_private)


def session(allow_private: bool, timeout: float, user_agent: str, connections: int = 100) -> aiohttp.ClientSession:
    """A client session whose connections go only to addresses CheckedResolver let through."""
    connector = aiohttp.TCPConnector(resolver=CheckedResolver(allow_private), use_dns_cache=False, limit=connections)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout),
                                 headers={"User-Agent": user_agent})
