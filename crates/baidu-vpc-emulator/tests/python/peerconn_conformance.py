"""Conformance of baidu-vpc-emulator with Baidu's official Python SDK.

Drives every one of the 13 peering operations through
baidubce.services.vpc.peerconn_client.PeerConnClient, used unchanged, with the
two demo accounts: same-account and cross-account peerings, accept and reject,
list pagination with a small maxKeys, DNS sync, renew, refund, delete
protection, and the errors the SDK surfaces.

Usage: python peerconn_conformance.py HOST:PORT

The emulator must run with the demo accounts and transitions of 60 s; the
script advances the emulated clock through the admin API (no sleeping).
Exits 0 when every check passed, 1 (with a report on stderr) otherwise.
"""

import json
import sys
import urllib.request

from baidubce.auth.bce_credentials import BceCredentials
from baidubce.bce_client_configuration import BceClientConfiguration
from baidubce.exception import BceHttpClientError, BceServerError
from baidubce.retry.retry_policy import NoRetryPolicy
from baidubce.services.bcc.bcc_model import TagModel
from baidubce.services.vpc import peerconn_model
from baidubce.services.vpc.peerconn_client import PeerConnClient

INITIATOR = ("DEMOAK00000000000000000000000001", "DEMOSK00000000000000000000000001")
PEER = ("DEMOAK00000000000000000000000002", "DEMOSK00000000000000000000000002")
INITIATOR_ID = "a0000000000000000000000000000001"
PEER_ID = "a0000000000000000000000000000002"
STEP = 60  # seconds per transition, as the emulator was started

ENDPOINT = sys.argv[1]
OPERATIONS_USED = set()
failures = []
checks = 0


def client(keys):
    config = BceClientConfiguration(
        credentials=BceCredentials(keys[0], keys[1]),
        endpoint=ENDPOINT,
        retry_policy=NoRetryPolicy(),
    )
    return PeerConnClient(config)


def admin(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request("http://%s%s" % (ENDPOINT, path), data=data, method=method)
    with urllib.request.urlopen(req) as resp:
        return json.loads(resp.read() or b"null")


def advance(seconds=STEP):
    admin("POST", "/__emulator/clock/advance", {"seconds": seconds})


def check(name, cond, detail=""):
    global checks
    checks += 1
    if not cond:
        failures.append("%s %s" % (name, detail))


def expect_error(name, fn, status, code):
    try:
        fn()
    except BceHttpClientError as e:
        err = e.last_error
        ok = isinstance(err, BceServerError) and err.status_code == status and err.code == code
        check(name, ok, "expected %s %s, got %r %r %r" % (
            status, code, getattr(err, "status_code", None), getattr(err, "code", None), err))
        check(name + " requestId", bool(getattr(err, "request_id", None)))
        return err
    check(name, False, "expected %s %s, got success" % (status, code))
    return None


A = client(INITIATOR)
B = client(PEER)
admin("POST", "/__emulator/reset")  # re-runnable against a long-lived emulator


def status(c, pid, role=None):
    return c.get_peerconn(pid, role=role).status


def dns(c, pid, role):
    return c.get_peerconn(pid, role=role).dns_status


# ---------------------------------------------------------------- 1 create
same = A.create_peerconn(
    10, "vpc-demobj000001", "vpc-demobj000002", "bj",
    description="same account", local_if_name="if-initiator", peer_if_name="if-acceptor",
    client_token="conformance-token-1", tags=[TagModel("env", "conformance")])
OPERATIONS_USED.add("CreatePeerConn")
pid = same.peer_conn_id
check("create returns an id", pid.startswith("peerconn-") and len(pid) == 21, pid)
again = A.create_peerconn(
    10, "vpc-demobj000001", "vpc-demobj000002", "bj",
    description="same account", local_if_name="if-initiator", peer_if_name="if-acceptor",
    client_token="conformance-token-1", tags=[TagModel("env", "conformance")])
check("same clientToken returns the same id", again.peer_conn_id == pid, again.peer_conn_id)
err = expect_error("second peering of a VPC pair", lambda: A.create_peerconn(
    5, "vpc-demobj000001", "vpc-demobj000002", "bj"), 409, "PeerConn.AlreadyExists")
check("conflict names the existing id", err is not None and pid in str(err), str(err))
expect_error("same clientToken, other request", lambda: A.create_peerconn(
    11, "vpc-demobj000001", "vpc-demobj000002", "bj", client_token="conformance-token-1"),
    403, "IdempotentParameterMismatch")
expect_error("same-region prepaid", lambda: A.create_peerconn(
    5, "vpc-demobj000002", "vpc-demobj000001", "bj",
    billing=peerconn_model.Billing("Prepaid", 1, "Month")), 400, "PeerConn.SameRegionPrepaidNotSupported")
expect_error("bad reservationLength", lambda: A.create_peerconn(
    5, "vpc-demobj000001", "vpc-demogz000001", "gz",
    billing=peerconn_model.Billing("Prepaid", 10, "Month")), 400, "InvalidParameterValue")

# ---------------------------------------------------------------- 3 get (both views)
OPERATIONS_USED.add("GetPeerConnDetail")
check("new peering is creating", status(A, pid) == "creating", status(A, pid))
advance()
ini = A.get_peerconn(pid, role="initiator")
acc = A.get_peerconn(pid, role="acceptor")
check("same-account peering becomes active", ini.status == "active", ini.status)
check("initiator view", (ini.role, ini.local_vpc_id, ini.peer_vpc_id, ini.local_if_name,
                         ini.description, ini.bandwidth_in_mbps, ini.payment_timing, ini.dns_status)
      == ("initiator", "vpc-demobj000001", "vpc-demobj000002", "if-initiator",
          "same account", 10, "Postpaid", "close"), ini.raw_data)
check("acceptor view is mirrored", (acc.role, acc.local_vpc_id, acc.peer_vpc_id, acc.local_if_name,
                                    acc.local_region, acc.peer_region, acc.peer_account_id)
      == ("acceptor", "vpc-demobj000002", "vpc-demobj000001", "if-acceptor", "bj", "bj", INITIATOR_ID),
      acc.raw_data)
check("each side has its own interface", ini.local_if_id != acc.local_if_id
      and ini.local_if_id.startswith("qpif-"), "%s %s" % (ini.local_if_id, acc.local_if_id))
check("times are ISO-8601 UTC", len(ini.created_time) == 20 and ini.created_time.endswith("Z")
      and ini.expired_time == "", ini.created_time)
check("tags are returned", ini.tags and ini.tags[0].tag_key == "env", ini.raw_data)
expect_error("unknown id", lambda: A.get_peerconn("peerconn-000000000000"), 404, "NoSuchObject")
expect_error("other account cannot see it", lambda: B.get_peerconn(pid), 404, "NoSuchObject")

# ---------------------------------------------------------------- 4 update
A.update_peerconn(pid, ini.local_if_id, description="renamed", local_if_name="if-renamed")
OPERATIONS_USED.add("UpdatePeerConn")
check("update goes through updating", status(A, pid) == "updating")
advance()
ini = A.get_peerconn(pid, role="initiator")
check("update applied", (ini.status, ini.description, ini.local_if_name)
      == ("active", "renamed", "if-renamed"), ini.raw_data)
expect_error("update with a foreign interface id", lambda: A.update_peerconn(
    pid, "qpif-notmine00000", description="x"), 400, "InvalidParameterValue")

# ---------------------------------------------------------------- 8 resize
A.resize_peerconn(pid, 25)
OPERATIONS_USED.add("ResizePeerConn")
check("resize goes through updating", status(A, pid) == "updating")
advance()
ini = A.get_peerconn(pid)
check("resize applied", (ini.status, ini.bandwidth_in_mbps) == ("active", 25), ini.raw_data)

# ---------------------------------------------------------------- 10/11 DNS sync
A.open_peerconn_dns_sync(pid, "initiator")
OPERATIONS_USED.add("OpenPeerConnSyncDNS")
check("dns open: wait", dns(A, pid, "initiator") == "wait")
expect_error("dns change while mid-transition", lambda: A.close_peerconn_dns_sync(pid, "initiator"),
             409, "PeerConn.InvalidDnsStatus")
advance()
check("dns open: syncing", dns(A, pid, "initiator") == "syncing")
advance()
check("dns open: open", dns(A, pid, "initiator") == "open")
check("dns is per side", dns(A, pid, "acceptor") == "close")
A.close_peerconn_dns_sync(pid, "initiator")
OPERATIONS_USED.add("ClosePeerConnSyncDNS")
check("dns close: closing", dns(A, pid, "initiator") == "closing")
advance()
check("dns close: close", dns(A, pid, "initiator") == "close")

# ---------------------------------------------------------------- 13 delete protection
A.update_peerconn_delete_protect(pid, True)
OPERATIONS_USED.add("UpdatePeerConnDeleteProtect")
check("deleteProtect shown", A.get_peerconn(pid).delete_protect is True)
expect_error("delete protection blocks delete", lambda: A.delete_peerconn(pid), 409,
             "PeerConn.DeleteProtected")
A.update_peerconn_delete_protect(pid, False)

# ---------------------------------------------------------------- prepaid: 9 renew, 12 refund
pre = A.create_peerconn(
    50, "vpc-demobj000002", "vpc-demogz000001", "gz",
    billing=peerconn_model.Billing("Prepaid", 1, "Month")).peer_conn_id
advance()
p = A.get_peerconn(pre)
check("prepaid peering", (p.status, p.payment_timing) == ("active", "Prepaid") and p.expired_time,
      p.raw_data)
expect_error("active prepaid cannot be deleted", lambda: A.delete_peerconn(pre), 409,
             "PeerConn.PrepaidNotExpired")
expect_error("prepaid bandwidth only grows", lambda: A.resize_peerconn(pre, 10), 400,
             "PeerConn.PrepaidBandwidthDecrease")
before = p.expired_time
A.purchase_reserved_peerconn(pre, billing=peerconn_model.Billing(reservationLength=2))
OPERATIONS_USED.add("RenewPeerConn")
after = A.get_peerconn(pre).expired_time
check("renew extends expiredTime", after > before, "%s -> %s" % (before, after))
expect_error("postpaid cannot be renewed", lambda: A.purchase_reserved_peerconn(pid),
             400, "PeerConn.PostpaidRenewNotSupported")
expect_error("postpaid cannot be refunded", lambda: A.refund_peerconn(pid),
             400, "PeerConn.PostpaidRefundNotSupported")

# ---------------------------------------------------------------- cross account: 5 accept, 6 reject
cross = A.create_peerconn(
    20, "vpc-demobj000001", "vpc-peergz000001", "gz", peer_account_id=PEER_ID,
    local_if_name="to-peer").peer_conn_id
advance()
check("cross-account waits in consulting", status(A, cross) == "consulting")
theirs = B.get_peerconn(cross)
check("acceptor sees the request", (theirs.role, theirs.status, theirs.local_vpc_id,
                                    theirs.peer_account_id, theirs.local_region)
      == ("acceptor", "consulting", "vpc-peergz000001", INITIATOR_ID, "gz"), theirs.raw_data)
expect_error("initiator cannot accept its own request", lambda: A.handle_peerconn(cross, "accept"),
             403, "PeerConn.AcceptorOnly")
B.handle_peerconn(cross, "accept")
OPERATIONS_USED.add("AcceptPeerConnApply")
check("accepted peering is active", status(A, cross) == "active" and status(B, cross) == "active")
expect_error("acceptor cannot resize", lambda: B.resize_peerconn(cross, 30), 403,
             "PeerConn.InitiatorOnly")
expect_error("acceptor cannot delete", lambda: B.delete_peerconn(cross), 403,
             "PeerConn.InitiatorOnly")
B.open_peerconn_dns_sync(cross, "acceptor")
check("acceptor opens its own DNS sync", dns(B, cross, "acceptor") == "wait")

rejected = A.create_peerconn(
    5, "vpc-demobj000002", "vpc-peerbj000001", "bj", peer_account_id=PEER_ID).peer_conn_id
advance()
B.handle_peerconn(rejected, "reject")
OPERATIONS_USED.add("RejectPeerConnApply")
check("rejected peering is consult_failed", status(A, rejected) == "consult_failed")

# ---------------------------------------------------------------- 2 list with pagination
OPERATIONS_USED.add("ListPeerConn")
seen, marker, pages = [], None, 0
while True:
    page = A.list_peerconns("vpc-demobj000001", marker=marker, max_keys=1)
    pages += 1
    check("page size", len(page.peer_conns) <= 1 and page.max_keys == 1, page.raw_data)
    seen += [(x.peer_conn_id, x.role) for x in page.peer_conns]
    if not page.is_truncated:
        break
    marker = page.next_marker
check("pagination visits every peering of the VPC once",
      seen == [(pid, "initiator"), (cross, "initiator")], repr(seen))
check("pages", pages == 2, pages)
mine = B.list_peerconns("vpc-peerbj000001")
check("list by the acceptor's VPC", [(x.peer_conn_id, x.role) for x in mine.peer_conns]
      == [(rejected, "acceptor")], mine.raw_data)
all_a = A.list_peerconns("vpc-demobj000002", max_keys=1000)
check("list of the other VPC", sorted(x.peer_conn_id for x in all_a.peer_conns)
      == sorted([pid, pre, rejected]) and not all_a.is_truncated, all_a.raw_data)

# ---------------------------------------------------------------- 12 refund, 7 delete
A.refund_peerconn(pre)
OPERATIONS_USED.add("RefundPeerConn")
check("refund releases", status(A, pre) == "deleting")
A.delete_peerconn(pid)
OPERATIONS_USED.add("DeletePeerConn")
check("delete goes through deleting", status(A, pid) == "deleting")
A.delete_peerconn(rejected)
advance()
for gone in (pid, pre, rejected):
    expect_error("deleted peering is gone", lambda: A.get_peerconn(gone), 404, "NoSuchObject")

# ---------------------------------------------------------------- authentication errors
expect_error("unknown access key", lambda: client(("NOSUCHKEY", "x")).list_peerconns("vpc-demobj000001"),
             403, "InvalidAccessKeyId")
expect_error("wrong secret", lambda: client((INITIATOR[0], PEER[1])).list_peerconns("vpc-demobj000001"),
             400, "SignatureDoesNotMatch")

# ---------------------------------------------------------------- nothing lost, nothing duplicated
state = admin("GET", "/__emulator/state")
check("one live peering left", [p["peerConnId"] for p in state["peerConns"]] == [cross],
      json.dumps(state["peerConns"]))
check("three finished", sorted(p["peerConnId"] for p in state["deletedPeerConns"])
      == sorted([pid, pre, rejected]))
logged = {r["operation"] for r in admin("GET", "/__emulator/requests")["requests"] if r["operation"]}
check("all 13 operations reached the emulator", len(OPERATIONS_USED) == 13 and OPERATIONS_USED <= logged,
      repr(sorted(OPERATIONS_USED ^ logged)))

if failures:
    sys.stderr.write("%d of %d checks failed:\n" % (len(failures), checks))
    for f in failures:
        sys.stderr.write("  FAIL %s\n" % f)
    sys.exit(1)
print("ok: %d checks, %d operations" % (checks, len(OPERATIONS_USED)))
