# Terraform 1.5 and later.
import {
  to = baidu_peerconn_acceptor.example
  id = "peerconn-abcdef123456"
}
