# Quickstart: two VPC peering connections against the emulator (or a real account).
#  1. same account: vpc-demobj000001 <-> vpc-demobj000002, pay-as-you-go, tagged;
#  2. cross account: vpc-demobj000002 -> the peer account's vpc-peerbj000001, requested by
#     the initiator and accepted by the peer account through the aliased provider baidu.peer.

provider "baidu" {
  region     = var.region
  endpoint   = var.endpoint
  access_key = var.access_key
  secret_key = var.secret_key
}

provider "baidu" {
  alias      = "peer"
  region     = var.region
  endpoint   = var.endpoint
  access_key = var.peer_access_key
  secret_key = var.peer_secret_key
}

resource "baidu_peerconn" "same_account" {
  bandwidth_in_mbps = 10
  local_vpc_id      = "vpc-demobj000001"
  peer_vpc_id       = "vpc-demobj000002"
  peer_region       = var.region
  description       = "quickstart: same-account peering"
  local_if_name     = "qs-local"
  peer_if_name      = "qs-peer"

  billing {
    payment_timing = "Postpaid"
  }

  tags = {
    project = "quickstart"
    owner   = "terraform"
  }
}

resource "baidu_peerconn" "cross_account" {
  bandwidth_in_mbps = 5
  local_vpc_id      = "vpc-demobj000002"
  peer_vpc_id       = "vpc-peerbj000001"
  peer_region       = var.region
  peer_account_id   = var.peer_account_id
  description       = "quickstart: cross-account peering"

  billing {
    payment_timing = "Postpaid"
  }

  tags = {
    project = "quickstart"
  }
}

# The peer account's side: accepting moves the peering from "consulting" to "active".
resource "baidu_peerconn_acceptor" "cross_account" {
  provider     = baidu.peer
  peer_conn_id = baidu_peerconn.cross_account.id
  action       = "accept"
}
