# The defaults are the baidu-vpc-emulator's built-in demo accounts (see README.md), so
# `make demo` needs nothing but the emulator's address. They are not real credentials.

variable "endpoint" {
  description = "Baidu VPC API endpoint: the emulator's http://127.0.0.1:PORT (make demo sets it)."
  type        = string
}

variable "region" {
  description = "Region of both accounts' providers."
  type        = string
  default     = "bj"
}

variable "access_key" {
  description = "Access key of the initiator account (the emulator's demo initiator by default)."
  type        = string
  default     = "DEMOAK00000000000000000000000001"
}

variable "secret_key" {
  description = "Secret key of the initiator account."
  type        = string
  default     = "DEMOSK00000000000000000000000001"
  sensitive   = true
}

variable "peer_account_id" {
  description = "Account id of the peer account."
  type        = string
  default     = "a0000000000000000000000000000002"
}

variable "peer_access_key" {
  description = "Access key of the peer account (the emulator's demo peer by default)."
  type        = string
  default     = "DEMOAK00000000000000000000000002"
}

variable "peer_secret_key" {
  description = "Secret key of the peer account."
  type        = string
  default     = "DEMOSK00000000000000000000000002"
  sensitive   = true
}
