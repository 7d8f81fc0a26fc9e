#!/usr/bin/env python3
"""Generate bce-auth-v1 test vectors with Baidu's official Python SDK signer.

Run with the pinned SDK (scripts/install-bce-sdk.sh first):

    .tools/bce-venv/bin/python scripts/gen-bce-signer-vectors.py [OUT.json]

OUT defaults to tests/data/bce_signer_vectors.json. The Rust test
(tests/baidu_signer.rs) reads that JSON; it never runs Python.

Each vector records the *decoded* inputs (path, query pairs, headers) exactly as
the Rust signer takes them, plus what the SDK produced: the canonical request
(rebuilt from the SDK's own helper functions) and the Authorization value from
`baidubce.auth.bce_v1_signer.sign`.

How inputs reach the SDK signer, as the SDK itself does it:
- the path is passed as `utils.normalize_string(path, False)` (what
  `utils.append_uri` sends: UriEncode with '/' kept);
- flag query parameters are given the value None (the SDK signs `k=`);
- `headers_to_sign`, when given, must list every x-bce-* header present: the SDK
  always adds x-bce-* headers to the canonical headers, while a server signs
  exactly the listed names, so vectors stay within the behaviour both agree on.
Vectors never carry an `authorization` query parameter: SDK 0.9.79 compares
`k.lower` (a method object) with a string, so it would not exclude it.
"""
import json
import os
import random
import sys

import baidubce
from baidubce import utils
from baidubce.auth import bce_v1_signer
from baidubce.auth.bce_credentials import BceCredentials

PINNED_SDK = b"0.9.79"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "tests", "data", "bce_signer_vectors.json")

AK = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
SK = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
DEMO_AK = "DEMOAK00000000000000000000000001"
DEMO_SK = "DEMOSK00000000000000000000000001"
JSON_CT = "application/json;charset=utf-8"
JSON_CT_SPACE = "application/json; charset=utf-8"

# Epoch seconds of a few fixed instants.
T2015 = 1430123029  # 2015-04-27T08:23:49Z
T2018 = 1530876599  # 2018-07-06T11:29:59Z
T2024 = 1735689599  # 2024-12-31T23:59:59Z
T2026 = 1767225600  # 2026-01-01T00:00:00Z


def b(s):
    return s.encode("utf-8") if isinstance(s, str) else s


def vector(name, method, path, query=(), headers=(), timestamp=T2018,
           expiration=1800, headers_to_sign=None, ak=AK, sk=SK):
    """Sign one request with the SDK and return the JSON record."""
    if headers_to_sign is not None:
        listed = {h.lower() for h in headers_to_sign}
        for k, _ in headers:
            if k.lower().startswith("x-bce-") and k.lower() not in listed:
                raise SystemExit("%s: headers_to_sign must list %s" % (name, k))
    params = {b(k): (None if v is None else b(v)) for k, v in query}
    if len(params) != len(query):
        raise SystemExit("%s: duplicate query keys are not expressible in the SDK" % name)
    hdrs = {b(k): b(v) for k, v in headers}
    if len(hdrs) != len(headers):
        raise SystemExit("%s: duplicate header names are not expressible in the SDK" % name)
    to_sign = None if headers_to_sign is None else [b(h) for h in headers_to_sign]
    sdk_path = utils.normalize_string(b(path), False)
    auth = bce_v1_signer.sign(
        BceCredentials(ak, sk), b(method), sdk_path, hdrs, params,
        timestamp, expiration, to_sign)
    canonical = b"\n".join([
        b(method), sdk_path,
        utils.get_canonical_querystring(params, True),
        bce_v1_signer._get_canonical_headers(hdrs, to_sign),
    ])
    return {
        "name": name,
        "access_key": ak,
        "secret_key": sk,
        "timestamp": utils.get_canonical_time(timestamp).decode(),
        "expiration_secs": expiration,
        "method": method,
        "path": path,
        "query": [[k, "" if v is None else v] for k, v in query],
        "headers": [[k, v] for k, v in headers],
        "headers_to_sign": headers_to_sign,
        "canonical_request": canonical.decode("utf-8"),
        "authorization": auth.decode("utf-8"),
    }


def host_date(host="bcc.bj.baidubce.com", date="2018-07-06T11:29:59Z", ct=JSON_CT):
    return [("Host", host), ("Content-Type", ct), ("x-bce-date", date)]


def handcrafted():
    pc = "/v1/peerconn/peerconn-9td54fmx143e"
    token = "be31b98c-5e41-4838-9d30-9be700de5a20"
    body_hdrs = [("Content-Length", "142"), ("Content-MD5", "Cvzw2+0BZUiyArE4VqenoA==")]
    v = [
        vector("doc-example-put-object", "PUT", "/v1/test/myfolder/readme.txt",
               [("partNumber", "9"), ("uploadId", "a44cc9bab11cbd156984767aad637851")],
               [("Host", "bj.bcebos.com"), ("Date", "Mon, 27 Apr 2015 16:23:49 +0800"),
                ("Content-Type", "text/plain"), ("Content-Length", "8"),
                ("Content-Md5", "NFzcPqhviddjRNnSOGo4rw=="), ("x-bce-date", "2015-04-27T08:23:49Z")],
               timestamp=T2015),
        vector("create-go-style-listed", "POST", "/v1/peerconn", [("clientToken", token)],
               host_date() + body_hdrs,
               headers_to_sign=["content-length", "content-md5", "content-type", "host", "x-bce-date"]),
        vector("create-py-style-default", "POST", "/v1/peerconn", [("clientToken", token)],
               host_date(ct=JSON_CT) + body_hdrs + [("x-bce-request-id", "4f6b8c1e-0d1c-4a7e-9e55-1b2d3c4d5e6f")]),
        vector("list-first-page", "GET", "/v1/peerconn",
               [("vpcId", "vpc-13vuxu016dew"), ("maxKeys", "1000")],
               host_date() + [("Content-Length", "0")]),
        vector("list-marker-with-reserved-chars", "GET", "/v1/peerconn",
               [("marker", "peerconn-abc/def==+"), ("maxKeys", "2"), ("vpcId", "vpc-demobj000001")],
               host_date()),
        vector("get-initiator", "GET", pc, [("role", "initiator")], host_date()),
        vector("get-acceptor-sts-token", "GET", pc, [("role", "acceptor")],
               host_date() + [("x-bce-security-token", "token+/=ZjQ1Nw==")],
               headers_to_sign=["content-type", "host", "x-bce-date", "x-bce-security-token"]),
        vector("accept-flag", "PUT", pc, [("accept", None), ("clientToken", token)], host_date()),
        vector("reject-flag-default-set", "PUT", pc, [("reject", None), ("clientToken", token)],
               host_date() + [("Content-Length", "0")]),
        vector("resize-flag-with-body", "PUT", pc, [("resize", None), ("clientToken", token)],
               host_date() + [("Content-Length", "26"), ("Content-MD5", "q1xF3f7Yt8Qf5hZP0m8u6A==")]),
        vector("renew-purchase-reserved", "PUT", pc, [("purchaseReserved", None), ("clientToken", token)],
               host_date(), headers_to_sign=["content-type", "host", "x-bce-date"]),
        vector("open-dns-role", "PUT", pc, [("open", None), ("role", "initiator"), ("clientToken", token)],
               host_date()),
        vector("close-dns-role-acceptor", "PUT", pc, [("close", None), ("role", "acceptor")], host_date()),
        vector("refund-flag", "PUT", pc, [("refund", None)], host_date()),
        vector("delete-protect-path", "PUT", pc + "/deleteProtect", [("clientToken", token)],
               host_date() + [("Content-Length", "22")]),
        vector("delete-emulator-host-port", "DELETE", pc, [("clientToken", token)],
               host_date(host="127.0.0.1:8080"), ak=DEMO_AK, sk=DEMO_SK),
        vector("unicode-path-and-query", "GET", "/example/测试/路径",
               [("text", None), ("text1", "测试"), ("text10", "test")], [("Host", "bj.bcebos.com")]),
        vector("path-needs-escapes", "PUT", "/v1/a b/c+d/e%f/!'()*@:$&,;=/~user._-",
               [("key with space", "value/with/slash"), ("Z", "a+b=c&d")],
               [("Host", "localhost:65535"), ("x-bce-meta-sp", "  padded value  ")]),
        vector("empty-path", "GET", "/", [], [("Host", "bcc.gz.baidubce.com")], timestamp=T2024),
        vector("double-slash-path", "HEAD", "/v1//peerconn/", [("A", ""), ("a", "1"), ("B", "x")],
               [("Host", "bcc.su.baidubce.com")], expiration=60),
        vector("header-escapes-and-case", "POST", "/v1/peerconn",
               [("clientToken", "tok-123")],
               [("HOST", "bcc.bj.baidubce.com"), ("CONTENT-TYPE", JSON_CT_SPACE),
                ("X-Bce-Date", "2026-01-01T00:00:00Z"), ("X-BCE-Meta-Note", "a:b;c=d/e f"),
                ("Content-Length", "2"), ("User-Agent", "unsigned/1.0")],
               timestamp=T2026, expiration=3600),
        vector("explicit-non-default-header", "GET", pc, [("role", "initiator")],
               host_date() + [("User-Agent", "terraform-provider-baidu/0.1.0")],
               headers_to_sign=["host", "user-agent", "x-bce-date"]),
        vector("explicit-subset-omits-content-type", "GET", pc, [],
               host_date(), headers_to_sign=["host", "x-bce-date"]),
        vector("empty-header-values-skipped", "PUT", pc, [("resize", None)],
               host_date() + [("Content-MD5", ""), ("x-bce-empty", "   ")]),
        vector("unicode-header-value", "PUT", "/v1/bucket/object1",
               [("A", None), ("b", ""), ("C", "d")],
               [("Host", "bce.baidu.com"), ("abc", "123"), ("x-bce-meta-key1", "ABC 测试")],
               timestamp=1402639056),
        vector("long-expiration-sts", "POST", "/v1/peerconn", [("clientToken", token)],
               host_date(host="bcc.hkg.baidubce.com") + body_hdrs
               + [("x-bce-security-token", "ZjQ1NzE5NjctNmU0Yy00YjAw+sts/token==")],
               expiration=86400),
    ]
    return v


def generated(count):
    """Seeded random combinations over the same building blocks."""
    rng = random.Random(20240805)
    methods = ["GET", "PUT", "POST", "DELETE", "HEAD"]
    segments = ["v1", "peerconn", "peerconn-%s", "deleteProtect", "测试", "a b", "x+y",
                "%41", "ü", "~._-", "semi;colon", "q?mark", "hash#"]
    flags = ["accept", "reject", "resize", "purchaseReserved", "open", "close", "refund"]
    values = ["initiator", "acceptor", "", "1000", "a b", "测试", "k=v&x", "slash/ed",
              "plus+", "tilde~", "%20", "UPPER"]
    hosts = ["bcc.bj.baidubce.com", "bcc.gz.baidubce.com", "127.0.0.1:8080",
             "127.0.0.1:38117", "[::1]:9000", "bcc.bj.baidubce.com:443"]
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    out = []
    for i in range(count):
        pid = "".join(rng.choice(alnum) for _ in range(12))
        path = "/" + "/".join(
            (s % pid if "%s" in s else s) for s in rng.sample(segments, rng.randint(1, 4)))
        query = []
        seen = set()
        for _ in range(rng.randint(0, 4)):
            if rng.random() < 0.4:
                k, v = rng.choice(flags), None
            else:
                k, v = rng.choice(["role", "clientToken", "marker", "maxKeys", "vpcId",
                                   "Key", "key", "k1", "k10"]), rng.choice(values)
            if k not in seen:
                seen.add(k)
                query.append((k, v))
        ts = T2018 + rng.randint(0, 10 ** 8)
        date = utils.get_canonical_time(ts).decode()
        headers = [("Host", rng.choice(hosts)),
                   ("Content-Type", rng.choice([JSON_CT, JSON_CT_SPACE, "text/plain"])),
                   ("x-bce-date", date)]
        if rng.random() < 0.5:
            headers.append(("Content-Length", str(rng.randint(0, 5000))))
        if rng.random() < 0.3:
            headers.append(("Content-MD5", "NFzcPqhviddjRNnSOGo4rw=="))
        if rng.random() < 0.3:
            headers.append(("x-bce-security-token", "sts-%s+/=" % pid))
        if rng.random() < 0.3:
            headers.append(("x-bce-request-id", "req-%d" % i))
        if rng.random() < 0.3:
            headers.append(("User-Agent", "agent %d" % i))
        to_sign = None
        if rng.random() < 0.5:
            present = sorted({k.lower() for k, _ in headers})
            defaults = {"host", "content-length", "content-type", "content-md5"}
            to_sign = [h for h in present if h in defaults or h.startswith("x-bce-")]
        out.append(vector("generated-%02d" % i, rng.choice(methods), path, query, headers,
                          timestamp=ts, expiration=rng.choice([60, 1800, 3600, 86400]),
                          headers_to_sign=to_sign, ak=rng.choice([AK, DEMO_AK]),
                          sk=rng.choice([SK, DEMO_SK, "sk with spaces/+=", "密钥"])))
    return out


def main():
    if baidubce.SDK_VERSION != PINNED_SDK:
        raise SystemExit("expected bce-python-sdk %s, found %s"
                         % (PINNED_SDK.decode(), baidubce.SDK_VERSION.decode()))
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    vectors = handcrafted() + generated(20)
    doc = {
        "generator": "scripts/gen-bce-signer-vectors.py",
        "sdk": "bce-python-sdk==%s baidubce/auth/bce_v1_signer.py" % PINNED_SDK.decode(),
        "note": "path/query/headers are decoded inputs; canonical_request and "
                "authorization are the SDK's output",
        "vectors": vectors,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %d vectors to %s" % (len(vectors), out))


if __name__ == "__main__":
    main()
