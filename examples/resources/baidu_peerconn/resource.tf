# Same-account peering between two VPCs in bj, billed by usage.
resource "baidu_peerconn" "example" {
  bandwidth_in_mbps = 10
  local_vpc_id      = "vpc-demobj000001"
  peer_vpc_id       = "vpc-demobj000002"
  peer_region       = "bj"
  description       = "app to shared services"
  local_if_name     = "to-shared"
  peer_if_name      = "from-app"

  billing {
    payment_timing = "Postpaid"
  }

  tags = {
    env  = "prod"
    team = "network"
  }

  dns_sync       = true
  delete_protect = true

  timeouts {
    create = "15m"
  }
}

# Cross-account, cross-region, prepaid for 12 months. The peer account accepts it with
# baidu_peerconn_acceptor; until then its status is "consulting".
resource "baidu_peerconn" "to_partner" {
  bandwidth_in_mbps = 20
  local_vpc_id      = "vpc-demobj000001"
  peer_vpc_id       = "vpc-peergz000001"
  peer_region       = "gz"
  peer_account_id   = "a0000000000000000000000000000002"

  billing {
    payment_timing = "Prepaid"
    reservation {
      reservation_length    = 12
      reservation_time_unit = "month"
    }
  }
}
