"""Cookies a server sets, sent back on the next calls of the same provider and environment.

A session keeps, in memory, one jar per provider and environment, and in
it one `httpx.Cookies` (an `http.cookiejar.CookieJar`) per origin: a cookie
goes back only to the scheme, host and port that set it, and within that as
the cookie rules say (path, secure, expiry; a cookie without a Domain only to
its own host, as browsers do). Cookies are credentials: the `Cookie` header
shows in an exchange with its values masked, and a jar lists its cookies by
name, never by value. The pooled `httpx` clients serve every provider, so
their own jars refuse every cookie (`refusing_jar`): httpx would otherwise
keep each answer's cookies client-wide and add them to redirects. `workbench run
--cookies` keeps the jars between runs too (`kept_cookies`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy

import httpx

from workbench.core.secrets.store import MASK
from workbench.core.secrets.trust import origin_of


class _RefusingPolicy(DefaultCookiePolicy):
    """Takes no cookie in."""

    def set_ok(self, cookie: Cookie, request: object) -> bool:
        return False


def refusing_jar() -> CookieJar:
    """A jar that never keeps a cookie, for the clients shared by every provider."""
    return CookieJar(policy=_RefusingPolicy())


def _strict_jar() -> httpx.Cookies:
    # A cookie set without a Domain attribute goes back to its own host only, not to
    # subdomains (http.cookiejar's default is the laxer old Netscape rule).
    policy = DefaultCookiePolicy(strict_ns_domain=DefaultCookiePolicy.DomainStrictNonDomain)
    return httpx.Cookies(CookieJar(policy=policy))


@dataclass(frozen=True)
class KeptCookie:
    """A cookie in a jar, without its value."""

    name: str
    domain: str
    path: str
    secure: bool
    expires: float | None  # seconds since the epoch; None: until the session ends

    def describe(self) -> str:
        """`name (domain/path, secure, expires 2026-12-05 10:00 UTC)`."""
        flags = [f"{self.domain}{self.path}"]
        if self.secure:
            flags.append("secure")
        if self.expires is None:
            flags.append("for the session")
        else:
            when = dt.datetime.fromtimestamp(self.expires, dt.UTC)
            flags.append(f"expires {when:%Y-%m-%d %H:%M} UTC")
        return f"{self.name} ({', '.join(flags)})"


class ProviderCookies:
    """The cookies of one provider in one environment, per origin."""

    def __init__(self) -> None:
        self._by_origin: dict[str, httpx.Cookies] = {}

    def add_header(self, request: httpx.Request) -> bool:
        """Add the `Cookie` header the request's URL is owed; True when one was added.

        A request that already has a `Cookie` header (the call's own) is left as it is.
        """
        jar = self._by_origin.get(origin_of(str(request.url)) or "")
        if jar is None or "cookie" in request.headers:
            return False
        jar.set_cookie_header(request)
        return "cookie" in request.headers

    def take(self, response: httpx.Response) -> None:
        """Keep the cookies `response` sets (and drop those it expires)."""
        origin = origin_of(str(response.url))
        if origin is not None and "set-cookie" in response.headers:
            self._by_origin.setdefault(origin, _strict_jar()).extract_cookies(response)

    def held(self) -> list[tuple[str, Cookie]]:
        """Every cookie held now (the expired ones dropped), with the origin that set it."""
        found = []
        for origin, jar in self._by_origin.items():
            jar.jar.clear_expired_cookies()
            found += [(origin, cookie) for cookie in jar.jar]
        return found

    def restore(self, origin: str, cookie: Cookie) -> None:
        """Hold `cookie` again for `origin` (one kept from an earlier run)."""
        self._by_origin.setdefault(origin, _strict_jar()).jar.set_cookie(cookie)

    def kept(self) -> tuple[KeptCookie, ...]:
        """The cookies held now (the expired ones dropped), by origin as they were set."""
        found = []
        for jar in self._by_origin.values():
            jar.jar.clear_expired_cookies()
            found += [
                KeptCookie(c.name, c.domain, c.path, c.secure, _seconds(c.expires)) for c in jar.jar
            ]
        return tuple(found)


def _seconds(expires: int | None) -> float | None:
    return None if expires is None else float(expires)


class CookieJars:
    """Every provider's cookies per environment, for one session (kept in memory only)."""

    def __init__(self) -> None:
        self._jars: dict[tuple[str, str], ProviderCookies] = {}

    def of(self, provider: str, environment: str) -> ProviderCookies:
        return self._jars.setdefault((provider, environment), ProviderCookies())

    def jars(self) -> dict[tuple[str, str], ProviderCookies]:
        """Every jar by (provider, environment)."""
        return dict(self._jars)


def masked_cookie_header(value: str) -> str:
    """A `Cookie` header as shown: each cookie's name with its value masked."""
    names = (pair.split("=", 1)[0].strip() for pair in value.split(";"))
    return "; ".join(f"{name}={MASK}" for name in names if name)
