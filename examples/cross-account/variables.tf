# Two accounts. Pass the keys with TF_VAR_* or a *.tfvars file kept out of version control;
# with temporary (STS) credentials add the session tokens too.

variable "endpoint" {
  description = "API endpoint override, e.g. the emulator's http://127.0.0.1:PORT; null for Baidu's own."
  type        = string
  default     = null
}

variable "region" {
  description = "Region of the requester's VPC (the provider region)."
  type        = string
  default     = "bj"
}

variable "requester_access_key" {
  type = string
}

variable "requester_secret_key" {
  type      = string
  sensitive = true
}

variable "requester_session_token" {
  description = "STS session token, when the requester's keys are temporary."
  type        = string
  default     = null
  sensitive   = true
}

variable "accepter_access_key" {
  type = string
}

variable "accepter_secret_key" {
  type      = string
  sensitive = true
}

variable "accepter_session_token" {
  type      = string
  default   = null
  sensitive = true
}

variable "requester_vpc_id" {
  type    = string
  default = "vpc-demobj000001"
}

variable "accepter_vpc_id" {
  type    = string
  default = "vpc-peergz000001"
}

variable "accepter_region" {
  type    = string
  default = "gz"
}

variable "accepter_account_id" {
  description = "Account id of the accepter (32 hex characters)."
  type        = string
  default     = "a0000000000000000000000000000002"
}

variable "bandwidth_in_mbps" {
  type    = number
  default = 10
}
