# Copying this folder? This block makes Terraform install this provider
# (without it, "baidu" resolves to hashicorp/baidu, which does not exist).
terraform {
  required_providers {
    baidu = {
      source  = "baidu/baidu"
      version = "~> 0.1"
    }
  }
}
