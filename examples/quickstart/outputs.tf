output "same_account_peerconn_id" {
  description = "peerConnId of the same-account peering."
  value       = baidu_peerconn.same_account.id
}

output "same_account_status" {
  value = baidu_peerconn.same_account.status
}

output "cross_account_peerconn_id" {
  description = "peerConnId of the cross-account peering (the same id on both sides)."
  value       = baidu_peerconn.cross_account.id
}

output "cross_account_status" {
  description = "Status after the peer account accepted, as the acceptor sees it."
  value       = baidu_peerconn_acceptor.cross_account.status
}
