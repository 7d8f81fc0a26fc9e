# A prepaid (reserved) peering from bj to gz in one account. Prepaid needs different
# local and peer regions and a reservation; its bandwidth can only be raised.
# Changing `reservation` later renews the subscription in place (purchaseReserved).
# Credentials: BAIDUCLOUD_ACCESS_KEY / BAIDUCLOUD_SECRET_KEY (or the variables below).

variable "endpoint" {
  description = "API endpoint override, e.g. the emulator's http://127.0.0.1:PORT; null for Baidu's own."
  type        = string
  default     = null
}

variable "reservation_months" {
  description = "Subscription length: 1-9, 12, 24 or 36 months."
  type        = number
  default     = 12
}

provider "baidu" {
  region   = "bj"
  endpoint = var.endpoint
}

resource "baidu_peerconn" "bj_to_gz" {
  bandwidth_in_mbps = 50
  local_vpc_id      = "vpc-demobj000001"
  peer_vpc_id       = "vpc-demogz000001"
  peer_region       = "gz"
  description       = "prepaid bj-gz backbone"

  billing {
    payment_timing = "Prepaid"
    reservation {
      reservation_length    = var.reservation_months
      reservation_time_unit = "month"
    }
  }

  # A paid-for link should not disappear by accident: destroying it needs
  # delete_protect = false applied first.
  delete_protect = true

  tags = {
    billing = "reserved"
  }

  timeouts {
    create = "20m"
    delete = "30m"
  }
}

output "peerconn_id" {
  value = baidu_peerconn.bj_to_gz.id
}

output "expired_time" {
  description = "When the reservation ends."
  value       = baidu_peerconn.bj_to_gz.expired_time
}
