# Every active peering connection of a VPC (all pages).
data "baidu_peerconns" "active" {
  vpc_id = "vpc-demobj000001"
  status = "active"
}

output "active_peerconn_ids" {
  value = data.baidu_peerconns.active.ids
}

output "active_peer_vpcs" {
  value = [for pc in data.baidu_peerconns.active.peer_conns : pc.peer_vpc_id]
}
