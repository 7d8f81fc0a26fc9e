terraform {
  required_version = ">= 1.0"

  required_providers {
    baidu = {
      source  = "registry.terraform.io/baidu/baidu"
      version = "~> 0.1"
    }
  }
}
