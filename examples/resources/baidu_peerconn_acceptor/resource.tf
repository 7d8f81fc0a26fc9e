# The peer account accepts a cross-account peering request. The provider alias holds the
# peer account's credentials; the request's id comes from the initiator's baidu_peerconn
# (or, in a separate configuration, a variable or the data source baidu_peerconns).
resource "baidu_peerconn_acceptor" "example" {
  provider     = baidu.peer
  peer_conn_id = "peerconn-abcdef123456"
  action       = "accept" # or "reject": always explicit, never a default
  dns_sync     = true
}

provider "baidu" {
  alias  = "peer"
  region = "bj"
}
