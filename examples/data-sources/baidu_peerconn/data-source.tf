# One peering connection, seen from either side.
data "baidu_peerconn" "example" {
  id   = "peerconn-abcdef123456"
  role = "initiator" # or "acceptor"; defaults to "initiator"
}

output "peerconn_status" {
  value = data.baidu_peerconn.example.status
}
