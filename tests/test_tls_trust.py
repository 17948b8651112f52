"""Which CAs a server's certificate is checked against: the OS's, SSL_CERT_FILE, a provider's.

A company server signed by a private CA is reached when that CA is in `SSL_CERT_FILE` (as
for curl) or in the provider's `ca_bundle` file (read from the workspace's folder, under the
same rules as the files a workspace uploads); without either, sending stops with the TLS
message that says what to do.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from hostile import recording_server
from one_call import one_call_workspace, ping

from workbench.core.errors import ConnectionSetupError
from workbench.core.secrets.trust import FileNotApproved
from workbench.core.sending.exchange import FailureKind
from workbench.core.workspace.io import dumps_workspace, load_workspace, loads_workspace


@pytest.fixture
def private_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def https_url(private_ca: trustme.CA) -> Iterator[str]:
    """An HTTPS server on loopback whose certificate only `private_ca` vouches for."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    private_ca.issue_cert("127.0.0.1").configure_cert(context)
    with recording_server(tls=context) as (url, _):
        yield url


@pytest.fixture(autouse=True)
def no_environment_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def workspace(folder: Path, base_url: str, ca_bundle: str | None = None) -> Path:
    bundle = f'ca_bundle = "{ca_bundle}"\n' if ca_bundle is not None else ""
    return one_call_workspace(folder, base_url, bundle)


async def test_without_its_ca_the_server_is_not_trusted_and_the_message_says_what_to_do(
    tmp_path: Path, https_url: str
) -> None:
    exchange = await ping(workspace(tmp_path, https_url))
    assert exchange.status is None and exchange.failure is not None
    assert exchange.failure.kind is FailureKind.TLS
    message = exchange.failure.message
    assert "not trusted" in message
    assert "ca_bundle" in message and "SSL_CERT_FILE" in message


async def test_a_ca_in_ssl_cert_file_is_trusted(
    tmp_path: Path, https_url: str, private_ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca_file = tmp_path / "company-ca.pem"
    private_ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))

    exchange = await ping(workspace(tmp_path / "team", https_url))
    assert exchange.status == 200, exchange.failure


async def test_a_missing_ssl_cert_file_is_named(
    tmp_path: Path, https_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "nowhere.pem"))
    with pytest.raises(ConnectionSetupError, match="SSL_CERT_FILE.*nowhere.pem"):
        await ping(workspace(tmp_path, https_url))


async def test_the_providers_ca_bundle_is_read_from_the_workspace_folder(
    tmp_path: Path, https_url: str, private_ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = workspace(tmp_path / "team", https_url, ca_bundle="certs/company-ca.pem")
    (path.parent / "certs").mkdir()
    private_ca.cert_pem.write_to_path(str(path.parent / "certs" / "company-ca.pem"))
    monkeypatch.chdir(tmp_path)

    exchange = await ping(path)
    assert exchange.status == 200, exchange.failure


async def test_a_ca_bundle_outside_the_folder_is_asked_about(
    tmp_path: Path, https_url: str, private_ca: trustme.CA
) -> None:
    outside = tmp_path / "elsewhere.pem"
    private_ca.cert_pem.write_to_path(str(outside))
    path = workspace(tmp_path / "team", https_url, ca_bundle=str(outside))

    with pytest.raises(FileNotApproved) as refused:
        await ping(path)
    message = str(refused.value)
    assert "the ca_bundle of provider 'Intranet'" in message and "workbench trust" in message
    assert refused.value.role.title == "Trust these CAs?"


async def test_a_ca_bundle_that_is_no_certificate_is_named(tmp_path: Path, https_url: str) -> None:
    path = workspace(tmp_path, https_url, ca_bundle="notes.txt")
    (tmp_path / "notes.txt").write_text("not a certificate")
    with pytest.raises(ConnectionSetupError, match="notes.txt.*holds no PEM certificate"):
        await ping(path)


def test_the_ca_bundle_is_kept_in_the_file(tmp_path: Path) -> None:
    path = workspace(tmp_path, "https://intranet.example", ca_bundle="certs/ca.pem")
    loaded = load_workspace(path)
    assert loaded.providers[0].ca_bundle == "certs/ca.pem"
    text = dumps_workspace(loaded)
    assert 'base_url = "https://intranet.example"\nca_bundle = "certs/ca.pem"\n' in text
    assert loads_workspace(text, "again.toml") == loaded
