"""Job callbacks: where one may go (no server-side request forgery), its signature, and its delivery.

A callback URL comes from a client, so without a check the service would POST wherever the client points
it: its own admin ports on loopback, a cloud metadata address, hosts of the internal network. Only public
addresses are reached unless the operator allows a host or network (DOCKET_CALLBACK_ALLOW). The host is
resolved again at delivery and the request goes to the checked address (with the original Host and TLS
name), so a DNS answer that changes between the check and the request cannot redirect it.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

SIGNATURE_HEADER = "Docket-Signature"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class CallbackRefused(ValueError):
    """The callback URL may not be used; `transient` when it may work later (a DNS failure)."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>`: the receiver recomputes it with the secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _public(address: Address) -> bool:
    return address.is_global and not address.is_multicast


@dataclass(frozen=True)
class CallbackPolicy:
    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, allow: str) -> CallbackPolicy:
        """`allow` is a comma-separated list of host names, IP addresses and CIDR networks."""
        hosts, networks = set(), []
        for entry in (part.strip().lower().rstrip(".") for part in allow.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry)
        return cls(frozenset(hosts), tuple(networks))

    def _allowed(self, host: str, address: Address) -> bool:
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return host in self.hosts or _public(address) or any(address in net for net in self.networks)

    def addresses(
        self, url: str, resolve: Callable[..., list[Any]] = socket.getaddrinfo
    ) -> tuple[Any, list[Address]]:
        """The URL's parts and the addresses a callback to it may use; CallbackRefused otherwise."""
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise CallbackRefused("callback_url must be an absolute http(s) URL")
        if parts.username is not None or parts.password is not None:
            raise CallbackRefused("callback_url must not carry credentials: callbacks are signed instead")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise CallbackRefused("callback_url has an invalid port") from None
        host = parts.hostname.rstrip(".")
        try:
            found = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                infos = resolve(host, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError):
                raise CallbackRefused(
                    f"the callback host {host[:100]} cannot be resolved", transient=True
                ) from None
            found = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
        if not found:
            raise CallbackRefused(f"the callback host {host[:100]} cannot be resolved", transient=True)
        if not all(self._allowed(host, address) for address in found):
            raise CallbackRefused(
                "callback_url points to a private, loopback or otherwise non-public address; the service "
                "operator can allow it with DOCKET_CALLBACK_ALLOW"
            )
        return parts, found


def deliver(policy: CallbackPolicy, url: str, secret: str, body: bytes, timeout_s: float = 10.0) -> str:
    """POST a signed callback: 'delivered', 'retry' (try again later) or 'refused' (never will be sent)."""
    import httpx

    try:
        parts, found = policy.addresses(url)
    except CallbackRefused as exc:
        return "retry" if exc.transient else "refused"
    name = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    headers = {
        "Content-Type": "application/json",
        "Host": name + (f":{parts.port}" if parts.port else ""),
        SIGNATURE_HEADER: sign(secret, int(time.time()), body),
    }
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    # trust_env=False: no proxy from the environment may carry the request past the address check
    with httpx.Client(timeout=timeout_s, follow_redirects=False, trust_env=False) as client:
        for address in found:  # the checked addresses only, in the resolver's order
            host = f"[{address}]" if address.version == 6 else str(address)
            netloc = f"{host}:{parts.port}" if parts.port else host
            pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
            request = client.build_request(
                "POST", pinned, content=body, headers=headers, extensions=extensions
            )
            try:
                response = client.send(request)
            except httpx.ConnectError:
                continue
            except httpx.HTTPError:
                return "retry"
            return "delivered" if 200 <= response.status_code < 300 else "retry"
    return "retry"
