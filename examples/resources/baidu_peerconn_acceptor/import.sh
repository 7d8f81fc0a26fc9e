# An acceptance is imported by the peering's id; `action` is derived from its status
# (active => "accept", consult_failed => "reject").
terraform import baidu_peerconn_acceptor.example peerconn-abcdef123456
