terraform {
  required_version = ">= 1.0"

  required_providers {
    baidu = {
      # Fully qualified, so OpenTofu (which expands a short "baidu/baidu" to
      # registry.opentofu.org/baidu/baidu) resolves the same provider.
      source  = "registry.terraform.io/baidu/baidu"
      version = "~> 0.1"
    }
  }
}
