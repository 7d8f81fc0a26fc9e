# Cross-account (and here cross-region) peering in one configuration: the requester's
# provider creates the request, the accepter's provider accepts it.
#
# When the two accounts live in separate configurations, the accepter's configuration
# takes the peering id as a variable (or finds it with data "baidu_peerconns").

provider "baidu" {
  region        = var.region
  endpoint      = var.endpoint
  access_key    = var.requester_access_key
  secret_key    = var.requester_secret_key
  session_token = var.requester_session_token
}

provider "baidu" {
  alias         = "accepter"
  region        = var.accepter_region
  endpoint      = var.endpoint
  access_key    = var.accepter_access_key
  secret_key    = var.accepter_secret_key
  session_token = var.accepter_session_token
}

resource "baidu_peerconn" "request" {
  bandwidth_in_mbps = var.bandwidth_in_mbps
  local_vpc_id      = var.requester_vpc_id
  peer_vpc_id       = var.accepter_vpc_id
  peer_region       = var.accepter_region
  # Setting peer_account_id makes it a cross-account request: it waits in "consulting"
  # until the accepter acts (peer_if_name and dns_sync at create are same-account only).
  peer_account_id = var.accepter_account_id
  description     = "requested by the requester account"

  billing {
    payment_timing = "Postpaid"
  }
}

resource "baidu_peerconn_acceptor" "accept" {
  provider     = baidu.accepter
  peer_conn_id = baidu_peerconn.request.id
  action       = "accept"
  # DNS sync of the accepter's side, once active.
  dns_sync = true
}

# Read back from the requester's side after acceptance.
data "baidu_peerconn" "request" {
  id         = baidu_peerconn_acceptor.accept.peer_conn_id
  role       = "initiator"
  depends_on = [baidu_peerconn_acceptor.accept]
}

output "peerconn_id" {
  value = baidu_peerconn.request.id
}

output "status" {
  value = data.baidu_peerconn.request.status
}
