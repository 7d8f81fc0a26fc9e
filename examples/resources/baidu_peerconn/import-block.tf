# Terraform 1.5 and later: import in plan/apply. `terraform plan -generate-config-out=generated.tf`
# writes the resource block for you when it doesn't exist yet.
import {
  to = baidu_peerconn.example
  id = "peerconn-abcdef123456"
}
