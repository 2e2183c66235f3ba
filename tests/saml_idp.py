"""A real SAML 2.0 identity provider for the tests: pysaml2's `saml2.server.Server` behind a small
HTTP server on a free port. It publishes its metadata, takes AuthnRequests (HTTP-Redirect) and
answers with signed assertions (an HTTP-POST form), for the account the test says is logged in.
A second server with the same entity id and another key plays the forger."""

import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.authn_context import PASSWORD
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import get_xmlsec_binary
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256


def keypair(folder: Path, name: str) -> tuple[str, str]:
    key, cert = folder / f"{name}.key", folder / f"{name}.crt"
    subject = ["-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", *subject],
        check=True,
        capture_output=True,
    )
    return str(key), str(cert)


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class Account:
    subject: str
    attributes: dict = field(default_factory=dict)
    logged_in_at: float = 0.0


class IdentityProvider:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.key = keypair(folder, "idp")
        self.forger_key = keypair(folder, "forger")
        self.httpd = make_server("127.0.0.1", 0, self._app, handler_class=_Quiet)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.entity_id = f"{self.base}/idp"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.reset()

    def reset(self) -> None:
        self.account: Account | None = None
        self.requests: list = []  # the AuthnRequests received
        self.forge = False
        self.lifetime = {"minutes": 5}
        self.sp_metadata = ""

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _config(self, key: tuple[str, str], *, with_sp: bool = True) -> IdPConfig:
        conf = IdPConfig()
        conf.load(
            {
                "entityid": self.entity_id,
                "xmlsec_binary": get_xmlsec_binary(["/usr/bin", "/usr/local/bin"]),
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [(f"{self.base}/sso", BINDING_HTTP_REDIRECT)]
                        },
                        "policy": {"default": {"lifetime": self.lifetime}},
                        "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    }
                },
                "key_file": key[0],
                "cert_file": key[1],
                "metadata": {"inline": [self.sp_metadata]} if with_sp else {},
                "allow_unknown_attributes": True,
            }
        )
        return conf

    def metadata(self) -> str:
        return str(entity_descriptor(self._config(self.key, with_sp=False)))

    def metadata_file(self) -> str:
        path = self.folder / "idp-metadata.xml"
        path.write_text(self.metadata())
        return str(path)

    def _app(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/metadata":
            start_response("200 OK", [("Content-Type", "application/samlmetadata+xml")])
            return [self.metadata().encode()]
        if path == "/sso":
            query = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
            body = self.answer(query)
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [body.encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def answer(self, query: dict) -> str:
        """The logged-in account's answer to an AuthnRequest, as the auto-posting HTML form."""
        server = Server(config=self._config(self.key))
        request = server.parse_authn_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT)
        self.requests.append(request.message)
        account = self.account
        assert account is not None, "no account logged in at the test identity provider"
        if request.message.force_authn == "true" or not account.logged_in_at:
            account.logged_in_at = time.time()
        if self.forge:
            server = Server(config=self._config(self.forger_key))
        args = server.response_args(request.message)
        response = server.create_authn_response(
            identity=account.attributes,
            userid=account.subject,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=account.subject),
            authn={
                "class_ref": PASSWORD,
                "authn_auth": self.entity_id,
                "authn_instant": int(account.logged_in_at),
            },
            sign_assertion=True,
            sign_alg=SIG_RSA_SHA256,
            digest_alg=DIGEST_SHA256,
            **args,
        )
        http = server.apply_binding(
            BINDING_HTTP_POST,
            str(response),
            args["destination"],
            query.get("RelayState", ""),
            response=True,
        )
        return http["data"]
