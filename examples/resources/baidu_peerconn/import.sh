# A peering connection is imported by its id (the peerConnId), as the initiator side.
terraform import baidu_peerconn.example peerconn-abcdef123456
