# Keeps web pages away from the local emulator: an ASGI middleware around MiniStack's app (sitecustomize.py beside
# this file installs it). MiniStack answers every CORS preflight with `Access-Control-Allow-Origin: *`, and with or
# without AUTH=true the access key `test` is root with its signature never checked
# (ministack/core/iam_evaluator.py, is_root_access_key), so any page open in a browser could read the API key
# parameter, scan tables and invoke functions. Local processes (curl, the SDK, the kit's scripts, Lambda workers)
# send none of the headers below and pass unchanged.
#
# Refused, with a 403 and no CORS headers (so a preflight fails and nothing runs):
#   - an `Origin` header not listed in EMULATOR_ALLOWED_ORIGINS (comma separated, exact; empty by default), which a
#     browser sends on every cross-origin fetch, form post and preflight, and as `null` from sandboxes and files;
#   - `Sec-Fetch-Site` other than `none` (a typed URL) without such an Origin: a browser's no-cors subresource
#     requests (<img>, <script>, <link>) carry no Origin but do carry this;
#   - a `Host` that is not this machine (DNS rebinding: a page whose name now resolves to 127.0.0.1 sends its own
#     name): IP literals, `localhost` and `*.localhost`, `localhost.localstack.cloud` and its subdomains (LocalStack's
#     public names for 127.0.0.1) and the names in EMULATOR_ALLOWED_HOSTS (compose adds its service name) pass.
import ipaddress
import json
import os
import sys

_LOOPBACK_NAMES = ("localhost", "localhost.localstack.cloud")


def _listed(variable):
    return {item.strip().lower() for item in os.environ.get(variable, "").split(",") if item.strip()}


def _hostname(host):
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip_literal(name):
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def _host_allowed(host, allowed_hosts):
    name = _hostname(host)
    if not name:
        return False
    return (_is_ip_literal(name) or name in allowed_hosts
            or any(name == loopback or name.endswith("." + loopback) for loopback in _LOOPBACK_NAMES))


def refusal(headers, allowed_hosts, allowed_origins):
    """Why a request with these headers (lower-case names) is refused, or None."""
    host = headers.get("host", "")
    if not _host_allowed(host, allowed_hosts):
        return f"Host {host!r} is not this machine (EMULATOR_ALLOWED_HOSTS lists other names)"
    origin = headers.get("origin")
    if origin is not None and origin.lower() in allowed_origins:
        return None
    if origin is not None:
        return f"requests from web pages are refused (Origin {origin!r}; EMULATOR_ALLOWED_ORIGINS lists exceptions)"
    site = headers.get("sec-fetch-site")
    if site is not None and site.lower() != "none":
        return f"requests from web pages are refused (Sec-Fetch-Site {site!r})"
    return None


def guard(app):
    """`app` behind the checks above, read once from the environment."""
    allowed_hosts = _listed("EMULATOR_ALLOWED_HOSTS")
    allowed_origins = _listed("EMULATOR_ALLOWED_ORIGINS")

    async def guarded(scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await app(scope, receive, send)
        headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
        reason = refusal(headers, allowed_hosts, allowed_origins)
        if reason is None:
            return await app(scope, receive, send)
        print(f"emulator-guard: refused {scope.get('method', 'WEBSOCKET')} {scope.get('path', '')}: {reason}",
              file=sys.stderr, flush=True)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        body = json.dumps({"__type": "AccessDeniedException", "message": f"customers-api emulator guard: {reason}"})
        await send({"type": "http.response.start", "status": 403, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body.encode()})

    return guarded
