terraform {
  required_providers {
    baidu = {
      source  = "baidu/baidu"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the environment (BAIDUCLOUD_ACCESS_KEY, BAIDUCLOUD_SECRET_KEY and,
# for temporary STS credentials, BAIDUCLOUD_SESSION_TOKEN), so they stay out of the code.
provider "baidu" {
  region = "bj"
}

# A second account, e.g. the owner of the peer VPC, through an aliased provider.
provider "baidu" {
  alias      = "peer"
  region     = "bj"
  access_key = var.peer_access_key
  secret_key = var.peer_secret_key
}

variable "peer_access_key" {
  type = string
}

variable "peer_secret_key" {
  type      = string
  sensitive = true
}
